import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
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
});
