import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../bot/src/domain/types.js';
import { toolExecutionBody } from '../../bot/src/protection/webhook-simulation.js';
import { ZAVA_AGENT_IDS, ZAVA_IDS, ZAVA_USER_IDS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';
import { JAILBREAK_PROMPTS } from '../../bot/scripts/zava-attack.js';
import { REASON_CODES } from '../../bot/src/protection/reason-codes.js';
import type { TestDatabase } from '../support/test-db.js';
import { createTestDatabase } from '../support/test-db.js';
import { payload } from './policy-support.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// Two servers on one PostgreSQL database, as two instances behind a load balancer: a user's calls
// alternate between them, and the burst rule counts them all.

describe.skipIf(!process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL', () => {
  let database: TestDatabase;
  let a: WebhookHarness;
  let b: WebhookHarness;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    a = await startWebhookServer('postgres', { DATABASE_URL: database.url! });
    b = await startWebhookServer('postgres', { DATABASE_URL: database.url! });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('blocks the 6th call within the burst window whichever instance gets it', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) {
      const instance = i % 2 === 0 ? a : b;
      const res = await instance.call('analyze-tool-execution', payload());
      expect(res.status).toBe(200);
      answers.push(res.body);
    }
    expect(answers.slice(0, 5).map((x) => x.blockAction)).toEqual([false, false, false, false, false]);
    expect(answers[5]).toMatchObject({ blockAction: true, reasonCode: REASON_CODES.burst });
    expect(answers[5].diagnostics).toMatch(/burst:block/);
  });

  it('enforces a block made through one instance on the other within 1 s', async () => {
    const agentId = ZAVA_IDS.customerBillingAgent;
    const call = () => b.call('analyze-tool-execution', payload({ agentId, userId: ZAVA_IDS.megan }));
    expect((await call()).body.blockAction).toBe(false);
    const blocked = await a.server.as('adele@zava.example').post(`/api/v1/agents/${agentId}/block`, {
      reason: 'two-instance test',
    });
    expect(blocked.status).toBe(200);
    const since = Date.now();
    let answer = (await call()).body;
    while (!answer.blockAction && Date.now() - since < 1000) {
      await new Promise((r) => setTimeout(r, 50));
      answer = (await call()).body;
    }
    expect(answer).toMatchObject({ blockAction: true, reasonCode: REASON_CODES.agentBlocked });
    expect(Date.now() - since).toBeLessThan(1000);
  });

  it("raises exactly one persistent-jailbreak alert per window when a user's attempts alternate between instances", async () => {
    // Both instances on one clock, as two servers synchronised by NTP.
    b.clock.now = a.clock.now;
    const tick = (ms: number) => {
      a.clock.advance(ms);
      b.clock.now = a.clock.now;
    };
    const seed = zavaTenant(a.clock.now);
    const agent = seed.agents.find((x) => x.id === ZAVA_AGENT_IDS.docsSearch)!;
    const user = seed.users.find((u) => u.id === ZAVA_USER_IDS.lee)!;
    const { minFlagged, windowMinutes } = a.server.warden.protection.policy.persistentJailbreak;
    expect(minFlagged).toBeGreaterThan(1);
    const prompt = (i: number) =>
      toolExecutionBody({
        agent,
        tool: agent.tools[0]!,
        user,
        tenantId: ZAVA_IDS.tenantId,
        userMessage: JAILBREAK_PROMPTS[i % JAILBREAK_PROMPTS.length]!,
        inputValues: { query: 'azure app registration secrets' },
        ip: '::ffff:198.51.100.24',
        conversationId: 'conv-lee-two-instances',
        at: a.clock.now,
      });
    const alerts = async () => {
      await a.server.warden.protection.recorder.flush();
      await b.server.warden.protection.recorder.flush();
      return (
        await a.server.warden.store.db.query<{ data: Alert }>(
          "select data from alerts where user_ids @> array[$1]::text[] and data->>'detectorId' = 'persistent-jailbreak'",
          [user.id],
        )
      ).map((r) => r.data);
    };
    let sent = 0;
    const send = async () => {
      const instance = sent % 2 === 0 ? a : b;
      const res = await instance.call('analyze-tool-execution', prompt(sent));
      sent++;
      expect(res.status).toBe(200);
      return res.body;
    };

    // K-1 flagged prompts spread over both instances: no instance alone has seen K, and no alert yet.
    for (let i = 0; i < minFlagged - 1; i++) {
      await send();
      tick(5_000);
    }
    expect(await alerts()).toHaveLength(0);
    // The K-th raises, whichever instance it lands on; later ones in the window grow the same alert.
    const kth = await send();
    expect(kth.diagnostics).toMatch(/persistent-jailbreak=yes/);
    for (let i = 0; i < minFlagged + 1; i++) {
      tick(5_000);
      await send();
    }
    const first = await alerts();
    expect(first).toHaveLength(1);
    expect(first[0]!.eventCount).toBeGreaterThanOrEqual(minFlagged * 2);

    // After the window, K more alternating prompts raise exactly one more.
    tick((windowMinutes + 1) * 60_000);
    for (let i = 0; i < minFlagged; i++) {
      await send();
      tick(5_000);
    }
    const second = await alerts();
    expect(second).toHaveLength(2);
    expect(new Set(second.map((x) => x.id)).size).toBe(2);
  });
});
