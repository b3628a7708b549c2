// Approval requests expire (APPROVAL_EXPIRY_DAYS, 7 by default): once past it, a maker's resubmission can no
// longer be approved, through the API or by the card's button on the bot endpoint, and nothing is published;
// a new version from the maker supersedes the expired request instead of being blocked by it. The periodic sweep
// (tests/teams/approval-expiry-sweep.test.ts) is left at its default interval here. The server's
// clock is injected and moved by the test; nothing sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Submission } from '../../bot/src/domain/types.js';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const ADELE = 'adele@zava.example';
const DAY = 86_400_000;

interface AgentBody {
  agent: Record<string, unknown> & { createdBy: string; version: string };
}

describe('approval requests expire', () => {
  let server: TestServer;
  const connector = new FakeBotConnector();
  let now = Date.parse('2026-12-01T09:00:00Z');
  const agentId = ZAVA_AGENT_IDS.customerBillingAgent;
  let maker = '';
  let definition: Record<string, unknown> = {};

  beforeAll(async () => {
    await connector.start();
    server = await startTestServer('pglite', { APPROVAL_EXPIRY_DAYS: '3' }, { clock: () => new Date(now) });
    const agent = (await server.as(ADELE).get<AgentBody>(`/api/v1/agents/${agentId}`)).body.agent;
    maker = agent.createdBy;
    const keys = ['description', 'instructions', 'userAuthentication', 'authenticationTrigger', 'accessControl'];
    const more = ['tools', 'knowledgeSources', 'topics', 'triggers'];
    definition = Object.fromEntries([...keys, ...more].map((k) => [k, agent[k]]));
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await connector.stop();
  });

  const submit = (version: string) =>
    server.as(maker).post<Submission & { error?: { message: string } }>(`/api/v1/agents/${agentId}/submissions`, {
      version,
      note: 'tighter auth',
      definition,
    });

  /** Adele clicks "Approve & publish" on the approval card: the invoke Teams sends to the bot endpoint. */
  async function approveByCard(submissionId: string) {
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
        conversation: { id: 'a:personal-adele', conversationType: 'personal', tenantId: 'zava' },
        channelData: { tenant: { id: 'zava' } },
        value: {
          action: { type: 'Action.Execute', verb: 'approveSubmission', data: { submissionId, key: 'k1' } },
          trigger: 'manual',
        },
      }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { statusCode: number; type: string; value: unknown };
  }

  it('refuses to approve an expired request, by API and by card, and publishes nothing', async () => {
    const submitted = await submit('3.0.0');
    expect(submitted.status).toBe(201);
    const id = submitted.body.id;

    // Still inside the window: a new version while one is pending is refused, as before.
    now += 3 * DAY - 60_000;
    expect((await submit('3.0.1')).status).toBe(409);

    // Past it: the API refuses with a 409 that says the request expired and what to do.
    now += 120_000;
    const byApi = await server.as(ADELE).post<{ error: { message: string } }>(`/api/v1/submissions/${id}/approve`);
    expect(byApi.status).toBe(409);
    expect(byApi.body.error.message).toMatch(/expired on 2026-12-04 09:00 UTC .*3 days.*submit the version again/);

    // The card's button answers the clicker with the card as it now is, "Expired" and why on top, no buttons;
    // never a card that claims success.
    const byCard = await approveByCard(id);
    expect(byCard.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(byCard.value)).toMatch(/expired on 2026-12-04 09:00 UTC/);
    expect(JSON.stringify(byCard.value)).toContain('"text":"Expired"');
    expect(JSON.stringify(byCard.value)).not.toContain('"verb":"approveSubmission"');

    // Nothing was published, and the request is closed as expired (not rejected).
    const agent = (await server.as(ADELE).get<AgentBody>(`/api/v1/agents/${agentId}`)).body.agent;
    expect(agent.version).not.toBe('3.0.0');
    const approvals = await server
      .as(ADELE)
      .get<{ items: { outcome: string }[] }>(`/api/v1/audit?action=approveSubmission&targetId=${id}`);
    expect(approvals.body.items.filter((r) => r.outcome === 'succeeded')).toEqual([]);
  });

  it('lets the maker submit again: the new version supersedes the expired request and can be approved', async () => {
    const again = await submit('3.0.2');
    expect(again.status).toBe(201);
    const closed = await server
      .as(ADELE)
      .get<{ items: { submission: Submission }[] }>('/api/v1/submissions?status=expired');
    expect(closed.status).toBe(200);
    const old = closed.body.items.find((v) => v.submission.version === '3.0.0')?.submission;
    expect(old).toMatchObject({ status: 'expired', reviewedBy: null });
    expect(old?.reason).toMatch(/expired/);

    const approved = await server.as(ADELE).post<{ outcome: string }>(`/api/v1/submissions/${again.body.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.outcome).toBe('done');
    const agent = (await server.as(ADELE).get<AgentBody>(`/api/v1/agents/${agentId}`)).body.agent;
    expect(agent.version).toBe('3.0.2');
  });
});
