// The approval expiry sweep as the server runs it: createAgentWarden starts it (APPROVAL_EXPIRY_SWEEP_SECONDS),
// it marks a pending request past APPROVAL_EXPIRY_DAYS as expired, the notifier updates the approval card in
// the channel through botbuilder and the fake Bot Connector over HTTP ("Expired", no buttons) and writes the
// maker in their personal chat; an expired request can then be neither approved nor rejected (409 by the API,
// a card that says why by a click). The server's clock is injected and moved; the test waits for the server to
// get there on its own, never on a time. Last, two sweeps over one database expire each request exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../bot/src/store/store.js';
import { openDb } from '../../bot/src/store/db.js';
import { ResponseService } from '../../bot/src/response/response-service.js';
import { RiskRefresher } from '../../bot/src/inventory/risk-refresher.js';
import { embeddedTenant } from '../../bot/src/tenant/embedded/embedded-tenant.js';
import type { Submission } from '../../bot/src/domain/types.js';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import { BACKENDS } from '../support/test-db.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const ADELE = 'adele@zava.example';
const DAY = 86_400_000;
const CHANNEL = '19:zava-soc-general@thread.tacv2';
const MAKER_CHAT = 'a:personal-maker';

/** Waits for a condition the server reaches on its own (sweep and notifier poll); fails after `limitMs`. */
async function until<T>(what: string, probe: () => T | Promise<T>, limitMs = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface AgentBody {
  agent: Record<string, unknown> & { createdBy: string; version: string };
}

/** The decision buttons on a card (its refresh action, which only redraws it, is not one). */
const actionsOf = (card: Record<string, unknown> | null): unknown[] =>
  JSON.stringify(card ?? {}).match(/"verb":"(approveSubmission|rejectSubmission)"|"type":"Action\.ShowCard"/g) ?? [];

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`approval expiry sweep in the server (${backend.name})`, () => {
    let server: TestServer;
    const connector = new FakeBotConnector();
    let now = Date.parse('2026-12-01T09:00:00Z');
    const agentId = ZAVA_AGENT_IDS.customerBillingAgent;
    let maker = '';
    let definition: Record<string, unknown> = {};
    let submissionId = '';

    beforeAll(async () => {
      const serviceUrl = await connector.start();
      server = await startTestServer(
        backend.name,
        { APPROVAL_EXPIRY_DAYS: '3', APPROVAL_EXPIRY_SWEEP_SECONDS: '1' },
        { clock: () => new Date(now) },
      );
      const agent = (await server.as(ADELE).get<AgentBody>(`/api/v1/agents/${agentId}`)).body.agent;
      maker = agent.createdBy;
      const keys = ['description', 'instructions', 'userAuthentication', 'authenticationTrigger', 'accessControl'];
      const more = ['tools', 'knowledgeSources', 'topics', 'triggers'];
      definition = Object.fromEntries([...keys, ...more].map((k) => [k, agent[k]]));
      const reference = (id: string, conversationType: 'channel' | 'personal') => ({
        channelId: 'msteams',
        serviceUrl,
        bot: { id: '28:agent-warden', name: 'Agent Warden' },
        conversation: { id, isGroup: conversationType === 'channel', conversationType, name: '' },
      });
      await server.warden.teams.channels.upsertChannel({
        conversationId: CHANNEL,
        conversationType: 'channel',
        tenantId: null,
        teamId: '19:zava-security-operations@thread.tacv2',
        teamName: 'Zava Security Operations',
        channelName: null,
        serviceUrl,
        reference: reference(CHANNEL, 'channel'),
        registeredBy: null,
        registeredAt: new Date().toISOString(),
      });
      // The maker has talked to the bot, so it can write them.
      await server.warden.teams.personalChats.save({
        aadObjectId: 'maker-aad-object-id',
        userId: null,
        upn: maker,
        reference: reference(MAKER_CHAT, 'personal'),
        updatedAt: new Date().toISOString(),
      });
    }, 180_000);
    afterAll(async () => {
      await server?.close();
      await connector.stop();
    });

    const submissionStatus = async (id: string) => {
      const res = await server.as(ADELE).get<{ items: { submission: Submission }[] }>('/api/v1/submissions?limit=200');
      return res.body.items.find((v) => v.submission.id === id)?.submission;
    };

    it('posts the approval card with its decision while the request is pending', async () => {
      const submitted = await server
        .as(maker)
        .post<Submission>(`/api/v1/agents/${agentId}/submissions`, { version: '4.0.0', note: 'safer', definition });
      expect(submitted.status).toBe(201);
      submissionId = submitted.body.id;
      const card = await until('the approval card', () =>
        connector.threads(CHANNEL).find((m) => JSON.stringify(m.card).includes(submissionId)),
      );
      expect(JSON.stringify(card.card)).toContain('Approval needed');
      expect(actionsOf(card.card).length).toBeGreaterThan(0);
      // Inside the window the sweep leaves it alone.
      now += 3 * DAY - 60_000;
      await server.warden.actions.expireOverdue(100);
      expect((await submissionStatus(submissionId))?.status).toBe('pending');
    });

    it('expires it past the window: status, card (Expired, no buttons), maker told, audit', async () => {
      now += 120_000;
      const expired = await until('the sweep to expire the request', async () => {
        const s = await submissionStatus(submissionId);
        return s?.status === 'expired' ? s : null;
      });
      expect(expired).toMatchObject({ status: 'expired', reviewedBy: null });
      expect(expired.reason).toMatch(/expired on 2026-12-04 09:00 UTC .*3 days/);
      // The API lists it under its own status, not as rejected.
      const listed = await server
        .as(ADELE)
        .get<{ items: { submission: Submission }[] }>('/api/v1/submissions?status=expired');
      expect(listed.body.items.map((v) => v.submission.id)).toContain(submissionId);
      const rejected = await server
        .as(ADELE)
        .get<{ items: { submission: Submission }[] }>('/api/v1/submissions?status=rejected');
      expect(rejected.body.items.map((v) => v.submission.id)).not.toContain(submissionId);

      const card = connector.threads(CHANNEL).find((m) => JSON.stringify(m.card).includes(submissionId))!;
      await until('the card update', () => JSON.stringify(card.card).includes('"text":"Expired"'));
      expect(actionsOf(card.card)).toEqual([]);
      expect(JSON.stringify(card.card)).toMatch(/nobody decided in time/);
      expect(connector.threads(CHANNEL).filter((m) => JSON.stringify(m.card).includes(submissionId))).toHaveLength(1);

      const told = await until('the maker message', () =>
        connector.threads(MAKER_CHAT).find((m) => m.text?.includes('4.0.0')),
      );
      expect(told.text).toMatch(/Your version 4\.0\.0 of .* expired on 2026-12-04 09:00 UTC without a decision/);
      expect(told.text).toMatch(/Submit it again/);

      const audit = await server
        .as(ADELE)
        .get<{ items: { action: string; actor: string; outcome: string }[] }>(`/api/v1/audit?targetId=${submissionId}`);
      expect(audit.body.items.filter((r) => r.action === 'expireSubmission')).toEqual([
        expect.objectContaining({ actor: 'agent-warden', outcome: 'succeeded' }),
      ]);
    });

    it('refuses to approve or reject it: 409 by the API, a card that says why by a click; nothing published', async () => {
      const approve = await server
        .as(ADELE)
        .post<{ error: { message: string } }>(`/api/v1/submissions/${submissionId}/approve`, { reason: 'ok' });
      expect(approve.status).toBe(409);
      expect(approve.body.error.message).toMatch(/expired on 2026-12-04 09:00 UTC/);
      const reject = await server
        .as(ADELE)
        .post<{ error: { message: string } }>(`/api/v1/submissions/${submissionId}/reject`, { reason: 'no' });
      expect(reject.status).toBe(409);
      expect(reject.body.error.message).toMatch(/expired/);

      const res = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'invoke',
          name: 'adaptiveCard/action',
          id: `invoke-${submissionId}`,
          channelId: 'msteams',
          serviceUrl: connector.url,
          timestamp: new Date(now).toISOString(),
          from: { id: '29:zava-adele', name: 'Adele Vance', aadObjectId: userIdOf('adele') },
          recipient: { id: '28:agent-warden', name: 'Agent Warden' },
          conversation: { id: CHANNEL, conversationType: 'channel', tenantId: 'zava' },
          channelData: { tenant: { id: 'zava' } },
          value: {
            action: {
              type: 'Action.Execute',
              verb: 'approveSubmission',
              data: { submissionId, clickKey: 'k-expired', approveReason: 'looks fine' },
            },
            trigger: 'manual',
          },
        }),
      });
      const answer = (await res.json()) as { statusCode: number; type: string; value: Record<string, unknown> };
      expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
      const json = JSON.stringify(answer.value);
      expect(json).toMatch(/expired on 2026-12-04 09:00 UTC/);
      expect(json).toContain('"text":"Expired"');
      expect(actionsOf(answer.value)).toEqual([]);

      const agent = (await server.as(ADELE).get<AgentBody>(`/api/v1/agents/${agentId}`)).body.agent;
      expect(agent.version).not.toBe('4.0.0');
      const approvals = await server
        .as(ADELE)
        .get<{ items: { outcome: string }[] }>(`/api/v1/audit?action=approveSubmission&targetId=${submissionId}`);
      expect(approvals.body.items.filter((r) => r.outcome === 'succeeded')).toEqual([]);
    });

    it('two sweeps over one database expire each request once, a bounded batch at a time', async () => {
      // A second instance: its own connection(s) to the same database (PGlite in memory has one process only).
      const second =
        backend.name === 'postgres'
          ? await openDb({ databaseUrl: server.warden.config.databaseUrl!, dataDir: null })
          : null;
      try {
        const ids: string[] = [];
        for (const id of Object.values(ZAVA_AGENT_IDS).slice(0, 6)) {
          const a = (await server.as(ADELE).get<AgentBody>(`/api/v1/agents/${id}`)).body.agent;
          const defn = Object.fromEntries(
            [
              'description',
              'instructions',
              'userAuthentication',
              'authenticationTrigger',
              'accessControl',
              'tools',
              'knowledgeSources',
              'topics',
              'triggers',
            ].map((k) => [k, a[k]]),
          );
          const res = await server
            .as(a.createdBy)
            .post<Submission>(`/api/v1/agents/${id}/submissions`, { version: '9.9.9', note: '', definition: defn });
          if (res.status === 201) ids.push(res.body.id);
        }
        expect(ids.length).toBeGreaterThanOrEqual(4);
        // Past the window: two more sweeps (another instance's, on its own connections) race this server's own.
        now += 4 * DAY;
        const clock = () => new Date(now);
        const services = [server.warden.store, second ? createStore(second) : server.warden.store].map(
          (store) =>
            new ResponseService(store, embeddedTenant(store), new RiskRefresher(store, clock), clock, {
              approvalExpiryDays: 3,
            }),
        );
        await Promise.all(
          services.map(async (s) => {
            for (let n = await s.expireOverdue(2); n > 0; n = await s.expireOverdue(2)) {
              expect(n).toBeLessThanOrEqual(2);
            }
          }),
        );
        for (const id of ids) {
          expect((await submissionStatus(id))?.status).toBe('expired');
          const rows = await server.warden.store.db.query<{ n: number }>(
            `select count(*)::int as n from audit where action = 'expireSubmission' and target_id = $1`,
            [id],
          );
          expect(rows[0]?.n).toBe(1);
          const notices = await server.warden.store.db.query<{ n: number }>(
            `select count(*)::int as n from outbox where topic = 'maker.notify' and payload->>'submissionId' = $1`,
            [id],
          );
          expect(notices[0]?.n).toBe(1);
        }
      } finally {
        await second?.close();
      }
    });
  });
}
