import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
