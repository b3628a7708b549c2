import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ActionResult,
  AgentDetail,
  AgentSummary,
  IncidentDetail,
  IncidentSummary,
  Page,
  SubmissionView,
} from '../../bot/src/contract/api.js';
import type { AuditRecord, DirectoryUser, Submission } from '../../bot/src/domain/types.js';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MEGAN = 'megan@zava.example';
const ADELE = 'adele@zava.example';
const PRADEEP = 'pradeep@zava.example';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`REST API over HTTP on ${backend.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(async () => server?.close());

    const auditFor = async (targetId: string, action: string) =>
      (await server.as(MEGAN).get<Page<AuditRecord>>(`/api/v1/audit?targetId=${targetId}&action=${action}&limit=100`))
        .body.items;

    it('is healthy and ready, and documents itself', async () => {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const openapi = (
        await server.as(MEGAN).get<{ openapi: string; paths: Record<string, unknown> }>('/api/v1/openapi.json')
      ).body;
      expect(openapi.openapi).toBe('3.1.0');
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/agents',
          '/api/v1/agents/{id}/block',
          '/api/v1/incidents/{id}/resolve',
          '/api/v1/audit',
        ]),
      );
    });

    it('asks who you are: 401 with a JSON error, unknown dev user too', async () => {
      const anonymous = await fetch(`${server.url}/api/v1/agents`);
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
      expect((await server.as('mallory@evil.example').get('/api/v1/agents')).status).toBe(401);
      expect((await server.as(MEGAN).get('/api/v1/me')).body).toMatchObject({ upn: MEGAN, roles: ['responder'] });
    });

    it('lists agents by risk with signals, Customer Billing Agent among the top, paged by cursor', async () => {
      const first = await server.as(PRADEEP).get<Page<AgentSummary>>('/api/v1/agents?limit=10');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(10);
      const top = first.body.items.slice(0, 3).map((a) => a.id);
      expect(top).toContain(ZAVA_IDS.customerBillingAgent);
      const billing = first.body.items.find((a) => a.id === ZAVA_IDS.customerBillingAgent)!;
      expect(billing).toMatchObject({ name: 'Customer Billing Agent', platform: 'copilotStudio', lifecycle: 'active' });
      expect(billing.signals.map((s) => s.id)).toContain('mcp-maker-credentials');
      const scores = first.body.items.map((a) => a.riskScore);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      const second = await server
        .as(PRADEEP)
        .get<Page<AgentSummary>>(`/api/v1/agents?limit=10&cursor=${first.body.nextCursor}`);
      expect(second.body.items.map((a) => a.id)).not.toContain(first.body.items[0]!.id);
      const mcp = await server.as(PRADEEP).get<Page<AgentSummary>>('/api/v1/agents?mcpMaker=true&limit=100');
      expect(mcp.body.items.length).toBeGreaterThanOrEqual(5);
      expect(mcp.body.items.every((a) => a.mcpOnMakerCredentials)).toBe(true);
      const search = await server.as(PRADEEP).get<Page<AgentSummary>>('/api/v1/agents?search=customer%20billing');
      expect(search.body.items.map((a) => a.name)).toContain('Customer Billing Agent');
    });

    it.each([
      ['/api/v1/agents?risk=bogus', 'query.risk'],
      ['/api/v1/agents?limit=0', 'query.limit'],
      ['/api/v1/agents?sort=size', 'query.sort'],
      ['/api/v1/agents?cursor=nope', 'cursor'],
      ['/api/v1/incidents?severity=urgent', 'query.severity'],
    ])('answers bad input %s with 400 naming %s', async (path, field) => {
      const res = await server.as(MEGAN).get<{ error: { code: string; field: string } }>(path);
      expect(res.status).toBe(400);
      expect(res.body.error.field).toMatch(new RegExp(`^${field}(\\.|$)`));
    });

    it('shows IT unresolved high and critical only, SOC everything', async () => {
      const id = ZAVA_IDS.customerBillingAgent;
      const it = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${id}?view=it`)).body;
      const soc = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${id}?view=soc`)).body;
      expect(it.view).toBe('it');
      expect(it.alerts.every((a) => a.status !== 'resolved' && ['high', 'critical'].includes(a.severity))).toBe(true);
      expect(soc.alerts.some((a) => a.status === 'resolved')).toBe(true);
      expect(soc.alerts.some((a) => a.severity === 'low')).toBe(true);
      expect(soc.alerts.length).toBeGreaterThan(it.alerts.length);
      expect(soc.risk.signals[0]).toMatchObject({ id: expect.any(String), owasp: expect.stringMatching(/^LLM/) });
      expect((await server.as(ADELE).get(`/api/v1/agents/does-not-exist`)).status).toBe(404);
    });

    it('lets a viewer see but not block (403, recorded as denied)', async () => {
      const id = ZAVA_IDS.customerBillingAgent;
      const res = await server
        .as(PRADEEP)
        .post<{ error: { code: string } }>(`/api/v1/agents/${id}/block`, { reason: 'x' });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      const denied = (await auditFor(id, 'blockAgent')).filter((r) => r.outcome === 'denied');
      expect(denied.map((r) => r.actor)).toEqual([PRADEEP]);
      expect((await server.as(PRADEEP).post(`/api/v1/agents/${id}/block`, {})).status).toBe(400);
    });

    it('blocks once for one idempotency key, however often asked', async () => {
      const agents = (await server.as(ADELE).get<Page<AgentSummary>>('/api/v1/agents?sort=name&limit=5')).body.items;
      const id = agents[0]!.id;
      const key = { 'Idempotency-Key': 'block-once-1' };
      const first = await server
        .as(ADELE)
        .post<ActionResult>(`/api/v1/agents/${id}/block`, { reason: 'hunt finding' }, key);
      const second = await server
        .as(ADELE)
        .post<ActionResult>(`/api/v1/agents/${id}/block`, { reason: 'hunt finding' }, key);
      expect(first.status).toBe(200);
      expect(first.body.outcome).toBe('done');
      expect(second.body).toEqual(first.body);
      const third = await server.as(ADELE).post<ActionResult>(`/api/v1/agents/${id}/block`, { reason: 'again' });
      expect(third.body.outcome).toBe('noop');
      expect((await auditFor(id, 'blockAgent')).filter((r) => r.outcome === 'succeeded')).toHaveLength(1);
      const detail = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${id}`)).body;
      expect(detail.agent).toMatchObject({ lifecycle: 'blocked', blockedBy: ADELE, blockReason: 'hunt finding' });
      // A responder may block but only an admin unblocks.
      expect((await server.as(MEGAN).post(`/api/v1/agents/${id}/unblock`, { reason: 'ok' })).status).toBe(403);
      expect(
        (await server.as(ADELE).post<ActionResult>(`/api/v1/agents/${id}/unblock`, { reason: 'ok' })).body.outcome,
      ).toBe('done');
    });

    it('answers 422 naming the header when an idempotency key is reused for another action', async () => {
      const id = ZAVA_IDS.customerBillingAgent;
      const key = { 'Idempotency-Key': 'reused-for-another-action' };
      expect((await server.as(ADELE).post(`/api/v1/agents/${id}/block`, { reason: 'x' }, key)).status).toBe(200);
      const reused = await server
        .as(ADELE)
        .post<{ error: { code: string; field: string } }>(`/api/v1/agents/${id}/unblock`, { reason: 'x' }, key);
      expect(reused.status).toBe(422);
      expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
      expect((await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${id}`)).body.agent.lifecycle).toBe('blocked');
      await server.as(ADELE).post(`/api/v1/agents/${id}/unblock`, { reason: 'x' });
    });

    it('has one effect when two people block the same agent at the same moment', async () => {
      const agents = (await server.as(ADELE).get<Page<AgentSummary>>('/api/v1/agents?sort=name&limit=5')).body.items;
      const id = agents[1]!.id;
      const results = await Promise.all([
        server
          .as(ADELE)
          .post<ActionResult>(`/api/v1/agents/${id}/block`, { reason: 'race' }, { 'Idempotency-Key': 'race-a' }),
        server
          .as(MEGAN)
          .post<ActionResult>(`/api/v1/agents/${id}/block`, { reason: 'race' }, { 'Idempotency-Key': 'race-b' }),
        server
          .as(ADELE)
          .post<ActionResult>(`/api/v1/agents/${id}/block`, { reason: 'race' }, { 'Idempotency-Key': 'race-a' }),
      ]);
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(results.filter((r) => r.body.outcome === 'done').length).toBeGreaterThanOrEqual(1);
      const done = new Set(results.filter((r) => r.body.outcome === 'done').map((r) => r.body.auditId));
      expect(done.size).toBe(1);
      expect((await auditFor(id, 'blockAgent')).filter((r) => r.outcome === 'succeeded')).toHaveLength(1);
    });

    it('revokes a user: sessions revoked, confirmed compromised, password reset required', async () => {
      const res = await server.as(MEGAN).post<ActionResult>(`/api/v1/users/${ZAVA_IDS.griffin}/revoke`, {});
      expect(res.status).toBe(200);
      expect(res.body.outcome).toBe('done');
      const griffin = (await server.as(MEGAN).get<DirectoryUser>(`/api/v1/users/${ZAVA_IDS.griffin}`)).body;
      expect(griffin).toMatchObject({
        riskLevel: 'high',
        riskState: 'confirmedCompromised',
        passwordResetRequired: true,
      });
      expect(griffin.sessionsRevokedAt).toEqual(expect.any(String));
      expect(
        (await server.as(MEGAN).post<ActionResult>(`/api/v1/users/${ZAVA_IDS.griffin}/revoke`, {})).body.outcome,
      ).toBe('noop');
      expect((await server.as(ADELE).post(`/api/v1/users/${ZAVA_IDS.griffin}/revoke`, {})).status).toBe(403);
    });

    it('lists incidents, shows one whole, assigns and resolves it once', async () => {
      const list = (await server.as(MEGAN).get<Page<IncidentSummary>>('/api/v1/incidents?status=active,inProgress'))
        .body;
      expect(list.items.length).toBeGreaterThan(0);
      const id = list.items[0]!.id;
      const detail = (await server.as(MEGAN).get<IncidentDetail>(`/api/v1/incidents/${id}`)).body;
      expect(detail.incident.id).toBe(id);
      expect(detail.alerts.length).toBe(detail.incident.alertCount);
      const assign = await server.as(MEGAN).post<ActionResult>(`/api/v1/incidents/${id}/assign`, {});
      expect(assign.body.outcome).toBe('done');
      const bad = await server
        .as(MEGAN)
        .post<{ error: { field: string } }>(`/api/v1/incidents/${id}/resolve`, { classification: 'maybe' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe('body.classification');
      const resolved = await server.as(MEGAN).post<ActionResult>(`/api/v1/incidents/${id}/resolve`, {
        classification: 'truePositive',
        comment: 'Contained.',
      });
      expect(resolved.body.outcome).toBe('done');
      const after = (await server.as(MEGAN).get<IncidentDetail>(`/api/v1/incidents/${id}`)).body;
      expect(after.incident).toMatchObject({ status: 'resolved', classification: 'truePositive', assignedTo: MEGAN });
      expect(after.alerts.every((a) => a.status === 'resolved')).toBe(true);
      // The response is part of the incident: taking it and resolving it, oldest first, with readable names.
      expect(
        after.responses.filter((r) => r.targetType === 'incident').map((r) => [r.action, r.actorName, r.targetName]),
      ).toEqual([
        ['assignIncident', 'Megan Bowen', detail.incident.title],
        ['resolveIncident', 'Megan Bowen', detail.incident.title],
      ]);
      expect(
        (
          await server
            .as(MEGAN)
            .post<ActionResult>(`/api/v1/incidents/${id}/resolve`, { classification: 'truePositive' })
        ).body.outcome,
      ).toBe('noop');
    });

    it('takes a maker resubmission through review: submit, approve and publish; reject needs a reason', async () => {
      const id = ZAVA_IDS.customerBillingAgent;
      const agent = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${id}`)).body.agent;
      const maker = agent.createdBy;
      const safer = {
        ...agent,
        userAuthentication: 'microsoft',
        authenticationTrigger: 'always',
        tools: agent.tools.map((t) => ({ ...t, connectionMode: 'user' })),
        knowledgeSources: agent.knowledgeSources.map((k) => ({ ...k, connectionMode: 'user' })),
      };
      const definition = {
        description: safer.description,
        instructions: safer.instructions,
        userAuthentication: safer.userAuthentication,
        authenticationTrigger: safer.authenticationTrigger,
        accessControl: safer.accessControl,
        tools: safer.tools,
        knowledgeSources: safer.knowledgeSources,
        topics: safer.topics,
        triggers: safer.triggers,
      };
      expect(
        (await server.as(PRADEEP).post(`/api/v1/agents/${id}/submissions`, { version: '2.0.0', definition })).status,
      ).toBe(403);
      const submitted = await server
        .as(maker)
        .post<Submission>(`/api/v1/agents/${id}/submissions`, { version: '2.0.0', note: 'user auth', definition });
      expect(submitted.status).toBe(201);
      const pending = (await server.as(ADELE).get<Page<SubmissionView>>('/api/v1/submissions?status=pending')).body
        .items;
      const view = pending.find((v) => v.submission.id === submitted.body.id)!;
      expect(view.riskBefore.signals.map((s) => s.id)).toContain('mcp-maker-credentials');
      expect(view.riskAfter.signals.map((s) => s.id)).not.toContain('mcp-maker-credentials');
      expect((await server.as(MEGAN).post(`/api/v1/submissions/${submitted.body.id}/approve`)).status).toBe(403);
      const tooLong = await server
        .as(ADELE)
        .post<{ error: { field: string } }>(`/api/v1/submissions/${submitted.body.id}/approve`, {
          reason: 'x'.repeat(2001),
        });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.error.field).toBe('body.reason');
      const approved = await server
        .as(ADELE)
        .post<ActionResult>(`/api/v1/submissions/${submitted.body.id}/approve`, { reason: 'MCP moved to user auth' });
      expect(approved.body.outcome).toBe('done');
      expect(approved.body.message).toContain('MCP moved to user auth');
      // The reason is kept: on the submission and in the audit record, as a rejection's is.
      const reviewed = (
        await server.as(ADELE).get<Page<SubmissionView>>('/api/v1/submissions?status=approved')
      ).body.items.find((v) => v.submission.id === submitted.body.id)!;
      expect(reviewed.submission.reason).toBe('MCP moved to user auth');
      const trail = await server
        .as(ADELE)
        .get<Page<{ action: string; detail: string }>>('/api/v1/audit?action=approveSubmission');
      expect(trail.body.items.map((r) => r.detail)).toContain('MCP moved to user auth');
      const published = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${id}`)).body;
      expect(published.agent).toMatchObject({ version: '2.0.0', lifecycle: 'active', userAuthentication: 'microsoft' });
      expect(published.risk.signals.map((s) => s.id)).not.toContain('mcp-maker-credentials');

      const again = await server
        .as(maker)
        .post<Submission>(`/api/v1/agents/${id}/submissions`, { version: '2.0.1', definition });
      const noReason = await server
        .as(ADELE)
        .post<{ error: { field: string } }>(`/api/v1/submissions/${again.body.id}/reject`, { reason: ' ' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.field).toBe('body.reason');
      const rejected = await server
        .as(ADELE)
        .post<ActionResult>(`/api/v1/submissions/${again.body.id}/reject`, { reason: 'Keep MCP on user auth' });
      expect(rejected.body.outcome).toBe('done');
      expect((await server.as(ADELE).post(`/api/v1/submissions/${again.body.id}/approve`)).status).toBe(409);
    });

    it('refuses malformed and oversized bodies with JSON errors', async () => {
      const id = ZAVA_IDS.customerBillingAgent;
      const malformed = await server
        .as(ADELE)
        .post<{ error: { code: string } }>(`/api/v1/agents/${id}/block`, '{"reason":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.code).toBe('bad_request');
      const huge = await server.as(ADELE).post(`/api/v1/agents/${id}/block`, { reason: 'x'.repeat(2_000_000) });
      expect(huge.status).toBe(413);
      expect((await server.as(ADELE).get('/api/v1/nothing-here')).status).toBe(404);
    });

    it('moves the change version with every action', async () => {
      const before = (await server.as(MEGAN).get<{ version: number }>('/api/v1/changes')).body.version;
      const agents = (await server.as(ADELE).get<Page<AgentSummary>>('/api/v1/agents?sort=name&limit=5')).body.items;
      await server
        .as(ADELE)
        .post(`/api/v1/agents/${agents[2]!.id}/notify-maker`, { message: 'Please review your MCP connection.' });
      const after = (await server.as(MEGAN).get<{ version: number }>('/api/v1/changes')).body.version;
      expect(after).toBeGreaterThan(before);
    });
  });
}
