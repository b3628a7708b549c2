import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-db.js';
import { FakeGraph, GRAPH_APP, GRAPH_TENANT, startGraphWarden, type GraphWarden } from '../fakes/fake-graph.js';

// TENANT=graph: every response action reaches Microsoft Graph (a faithful local fake) through the REST API,
// with the right endpoint, body and app-only token; Graph's refusals come back as 502 JSON naming Graph's error.

const RESPONDER = { oid: 'oid-megan', upn: 'megan@zava.example', name: 'Megan Bowen', roles: ['Warden.Responder'] };
const ADMIN = { oid: 'oid-adele', upn: 'adele@zava.example', name: 'Adele Vance', roles: ['Warden.Admin'] };
const T0 = '2026-11-20T09:00:00Z';

function seed(fake: FakeGraph) {
  for (const [id, name, appId] of [
    ['pkg-hr', 'HR Helper', 'teams-app-hr'],
    ['pkg-sales', 'Sales Coach', undefined],
    ['pkg-it', 'IT Desk', undefined],
  ] as const) {
    fake.packages.set(id, {
      id,
      displayName: name,
      type: 'custom',
      isBlocked: false,
      platform: 'copilotStudio',
      publisher: 'Zava',
      version: '1.0.0',
      ...(appId ? { appId } : {}),
    });
  }
  fake.users.set('u-griffin', {
    id: 'u-griffin',
    userPrincipalName: 'Griffin@zava.example',
    displayName: 'Griffin Hayes',
    accountEnabled: true,
  });
  fake.incidents.set('inc-1', {
    id: 'inc-1',
    displayName: 'Exfiltration through HR Helper',
    severity: 'high',
    status: 'active',
    createdDateTime: T0,
    lastUpdateDateTime: T0,
  });
  fake.alerts.set('al-1', {
    id: 'al-1',
    incidentId: 'inc-1',
    status: 'new',
    severity: 'high',
    title: 'Mail sent to an external address by an agent',
    category: 'Exfiltration',
    serviceSource: 'microsoftDefenderForCloudApps',
    detectorId: 'exfiltration',
    createdDateTime: T0,
    lastUpdateDateTime: T0,
    evidence: [
      {
        '@odata.type': '#microsoft.graph.security.aiAgentEvidence',
        agentId: 'pkg-hr',
        agentName: 'HR Helper',
        hostingPlatformType: 'copilotStudio',
      },
      {
        '@odata.type': '#microsoft.graph.security.userEvidence',
        userAccount: {
          azureAdUserId: 'u-griffin',
          userPrincipalName: 'Griffin@zava.example',
          displayName: 'Griffin Hayes',
        },
      },
    ],
  });
}

describe.each(BACKENDS.filter((b) => b.enabled))('graph tenant response actions ($name)', ({ name }) => {
  let fake: FakeGraph;
  let w: GraphWarden;
  let responder: string;
  let admin: string;

  beforeAll(async () => {
    fake = await new FakeGraph({ tenantId: GRAPH_TENANT, ...GRAPH_APP }).start();
    seed(fake);
    w = await startGraphWarden(name, fake);
    await w.server.warden.graphSync!.syncOnce();
    responder = await w.token(RESPONDER);
    admin = await w.token(ADMIN);
  });
  afterAll(async () => {
    await w?.server.close();
    await fake?.stop();
  });

  const lastCall = (method: string, path: string) => {
    const calls = fake.calls(method, path);
    expect(calls.length).toBeGreaterThan(0);
    return calls[calls.length - 1]!;
  };

  it('blocks an agent with POST /beta/.../packages/{id}/block and shows it blocked', async () => {
    const res = await w.api<{ outcome: string }>(responder, 'POST', '/api/v1/agents/pkg-hr/block', {
      reason: 'exfiltration',
    });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('done');
    const call = lastCall('POST', '/beta/copilot/admin/catalog/packages/pkg-hr/block');
    expect(fake.tokensIssued).toContain(call.token);
    expect(call.body).toBeUndefined();
    expect(fake.packages.get('pkg-hr')!.isBlocked).toBe(true);
    const agent = await w.api<{ agent: { lifecycle: string; blockedBy: string } }>(
      responder,
      'GET',
      '/api/v1/agents/pkg-hr',
    );
    expect(agent.body.agent).toMatchObject({ lifecycle: 'blocked', blockedBy: 'megan@zava.example' });
  });

  it('unblocks with POST /beta/.../packages/{id}/unblock', async () => {
    const res = await w.api(admin, 'POST', '/api/v1/agents/pkg-hr/unblock', { reason: 'fixed' });
    expect(res.status).toBe(200);
    expect(lastCall('POST', '/beta/copilot/admin/catalog/packages/pkg-hr/unblock').body).toBeUndefined();
    expect(fake.packages.get('pkg-hr')!.isBlocked).toBe(false);
  });

  it('revokes sessions and confirms the user compromised in Graph, then in the store', async () => {
    const res = await w.api(responder, 'POST', '/api/v1/users/u-griffin/revoke', { incidentId: 'inc-1' });
    expect(res.status).toBe(200);
    expect(lastCall('POST', '/v1.0/users/u-griffin/revokeSignInSessions').body).toBeUndefined();
    expect(lastCall('POST', '/v1.0/identityProtection/riskyUsers/confirmCompromised').body).toEqual({
      userIds: ['u-griffin'],
    });
    expect(fake.compromised).toEqual(['u-griffin']);
    const user = await w.api<{ riskState: string; passwordResetRequired: boolean }>(
      responder,
      'GET',
      '/api/v1/users/u-griffin',
    );
    expect(user.body).toMatchObject({ riskState: 'confirmedCompromised', passwordResetRequired: true });
  });

  it("maps Graph's refusal to 502 JSON with Graph's code and message, and changes nothing", async () => {
    fake.fail('POST', /packages\/pkg-sales\/block$/, {
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    const res = await w.api<{ error: { code: string; message: string; upstream: unknown } }>(
      responder,
      'POST',
      '/api/v1/agents/pkg-sales/block',
      { reason: 'test' },
    );
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('upstream_error');
    expect(res.body.error.message).toContain('Insufficient privileges to complete the operation.');
    expect(res.body.error.upstream).toEqual({
      service: 'Microsoft Graph',
      status: 403,
      code: 'Authorization_RequestDenied',
    });
    const agent = await w.api<{ agent: { lifecycle: string } }>(responder, 'GET', '/api/v1/agents/pkg-sales');
    expect(agent.body.agent.lifecycle).toBe('active');
    // Nothing changed, but the attempt and Graph's answer are in the audit trail.
    const trail = await w.api<{ items: { action: string; targetId: string; outcome: string; detail: string }[] }>(
      responder,
      'GET',
      '/api/v1/audit?targetType=agent',
    );
    expect(trail.body.items.find((r) => r.targetId === 'pkg-sales' && r.action === 'blockAgent')).toMatchObject({
      outcome: 'failed',
      detail: expect.stringContaining('Authorization_RequestDenied'),
    });
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    fake.fail('POST', /packages\/pkg-sales\/block$/, {
      status: 429,
      code: 'TooManyRequests',
      message: 'Too many requests.',
      retryAfter: 1,
    });
    const before = fake.calls('POST', '/beta/copilot/admin/catalog/packages/pkg-sales/block').length;
    const res = await w.api(responder, 'POST', '/api/v1/agents/pkg-sales/block', { reason: 'throttled once' });
    expect(res.status).toBe(200);
    expect(fake.calls('POST', '/beta/copilot/admin/catalog/packages/pkg-sales/block').length).toBe(before + 2);
    expect(fake.packages.get('pkg-sales')!.isBlocked).toBe(true);
  });

  it('gives up on a Retry-After too long to wait and reports the 429', async () => {
    fake.fail('POST', /packages\/pkg-it\/block$/, {
      status: 429,
      code: 'TooManyRequests',
      message: 'Too many requests.',
      retryAfter: 3600,
    });
    const res = await w.api<{ error: { upstream: { status: number; code: string } } }>(
      responder,
      'POST',
      '/api/v1/agents/pkg-it/block',
      { reason: 'throttled' },
    );
    expect(res.status).toBe(502);
    expect(res.body.error.upstream).toMatchObject({ status: 429, code: 'TooManyRequests' });
    expect(fake.calls('POST', '/beta/copilot/admin/catalog/packages/pkg-it/block')).toHaveLength(1);
  });

  it('does not approve through the REST API with the app-only token: Graph takes the review only from a person', async () => {
    // The approval from a card in Teams, as the clicker (Teams SSO): tests/teams/sso/approval-sso.test.ts.
    fake.teamsApps.set('teams-app-hr', [
      { id: 'def-1', version: '1.0.0', publishingState: 'published', etag: 'W/"one"' },
      { id: 'def-2', version: '2.0.0', publishingState: 'submitted', etag: 'W/"two"' },
    ]);
    const submitted = await w.api<{ id: string }>(admin, 'POST', '/api/v1/agents/pkg-hr/submissions', {
      version: '2.0.0',
      note: 'new instructions',
      definition: {
        description: 'HR questions',
        instructions: 'Answer HR questions only.',
        userAuthentication: 'microsoft',
        authenticationTrigger: 'always',
        accessControl: 'copilotReaders',
        tools: [],
        knowledgeSources: [],
      },
    });
    expect(submitted.status).toBe(201);
    const res = await w.api<{ error: { code: string; message: string } }>(
      admin,
      'POST',
      `/api/v1/submissions/${submitted.body.id}/approve`,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/only a signed-in person approve .* from the approval card in Teams/);
    expect(fake.calls('PATCH', /appDefinitions/)).toHaveLength(0);
    expect(fake.teamsApps.get('teams-app-hr')![1]!.publishingState).toBe('submitted');
    const agent = await w.api<{ agent: { version: string } }>(admin, 'GET', '/api/v1/agents/pkg-hr');
    expect(agent.body.agent.version).toBe('1.0.0');
  });

  it("Graph (the fake, as documented) answers an app-only token's catalog review with 403", async () => {
    const res = await fetch(`${fake.url}/v1.0/appCatalogs/teamsApps/teams-app-hr/appDefinitions/def-2`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${fake.tokensIssued[0]}`,
        'content-type': 'application/json',
        'if-match': 'W/"two"',
      },
      body: JSON.stringify({ publishingState: 'published' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('Forbidden');
    expect(fake.teamsApps.get('teams-app-hr')![1]!.publishingState).toBe('submitted');
  });

  it('refuses to approve a version of an agent Graph gave no Teams app id for, saying why', async () => {
    const submitted = await w.api<{ id: string }>(admin, 'POST', '/api/v1/agents/pkg-it/submissions', {
      version: '1.1.0',
      definition: {
        description: '',
        instructions: 'Help with IT.',
        userAuthentication: 'microsoft',
        authenticationTrigger: 'asNeeded',
        accessControl: 'any',
        tools: [],
        knowledgeSources: [],
      },
    });
    expect(submitted.status).toBe(201);
    const res = await w.api<{ error: { code: string; message: string } }>(
      admin,
      'POST',
      `/api/v1/submissions/${submitted.body.id}/approve`,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/IT Desk has no Teams app catalog id/);
    expect(fake.calls('PATCH', /appDefinitions/).every((c) => !c.path.includes('pkg-it'))).toBe(true);
  });

  it('fetched one app-only token for all of it', () => {
    expect(fake.tokensIssued).toHaveLength(1);
    expect(fake.requests.every((r) => r.token === fake.tokensIssued[0])).toBe(true);
  });
});
