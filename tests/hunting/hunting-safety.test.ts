// No query can hurt the server (issue 12, item 3), over real HTTP: a query runs in a query thread under a
// wall-clock limit (408), a heap limit and a row cap (422), and /healthz and the webhook keep answering while
// a pathological one runs. Hunting needs a role and allows 45 calls a minute per person (429, Retry-After).
import fs from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookHarness } from '../protection/webhook-harness.js';
import { startWebhookServer } from '../protection/webhook-harness.js';

const LIMITS = { timeoutMs: 5000, heapMb: 192, maxRows: 10_000, workers: 2 };

/**
 * Every Zava snapshot against every other, with regexes over a large string per row: far past 5 s on any machine
 * (one pass alone finished inside 5 s on a quiet one, so there are eight, each a different pattern).
 */
const SLOW =
  'AIAgentsInfo | project k = 1, R = tostring(RawAgentInfo)\n' +
  '| join kind=inner (AIAgentsInfo | project k = 1) on k\n' +
  '| extend B = strcat(R, R, R, R, R, R, R, R)\n' +
  Array.from(
    { length: 8 },
    (_, i) =>
      `| where not(strcat(${Array(4)
        .fill(`strcat(${Array(16).fill('B').join(', ')})`)
        .join(', ')}) matches regex "(x+x+)+y${i}")\n`,
  ).join('') +
  '| count';
/** Each row keeps a ~1.5 MB string: past a 192 MB heap after a couple of hundred rows. */
const GREEDY =
  'AIAgentsInfo | project k = 1, R = tostring(RawAgentInfo)\n' +
  '| join kind=inner (AIAgentsInfo | project k = 1) on k\n' +
  '| extend B = strcat(R, R, R, R, R, R, R, R) | extend B = strcat(B, B, B, B, B, B, B, B)\n' +
  '| extend B = strcat(B, B, B, B, B, B, B, B) | extend B = toupper(B) | count';
/** 49 x 49 x 24 rows: past a 10,000-row cap at the second join. */
const WIDE =
  'AIAgentsInfo | extend k = 1\n| join kind=inner (AIAgentsInfo | extend k = 1) on k\n' +
  '| join kind=inner (IdentityInfo | extend k = 1) on k | count';

describe('hunting limits over real HTTP', () => {
  let h: WebhookHarness;
  beforeAll(async () => {
    h = await startWebhookServer('pglite', {}, { huntingLimits: LIMITS });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });
  const hunt = (query: string, upn = 'megan@zava.example') =>
    h.server.as(upn).post<{ error?: { code: string; message: string } }>('/api/v1/hunting/run', { query });

  it('stops a query past the wall-clock limit with 408, while /healthz and the webhook keep answering', async () => {
    let huntDone = false;
    const slow = hunt(SLOW).then((r) => {
      huntDone = true;
      return r;
    });
    // While the query runs, the event loop is free: both answer before the hunt does.
    const answers: { what: string; status: number; huntDone: boolean }[] = [];
    for (let i = 0; i < 5; i += 1) {
      const health = await fetch(`${h.url}/healthz`);
      answers.push({ what: 'healthz', status: health.status, huntDone });
      const webhook = await h.call('validate');
      answers.push({ what: 'webhook', status: webhook.status, huntDone });
    }
    const res = await slow;
    expect(res.status).toBe(408);
    expect(res.body.error).toMatchObject({ code: 'query_timeout', message: expect.stringContaining('5 s') });
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.huntDone).length).toBeGreaterThan(0);
    // The pool replaced the stopped thread: the next query runs.
    const next = await hunt('IdentityInfo | count');
    expect(next.status).toBe(200);
  });

  it.skipIf(process.platform !== 'linux')('runs its query threads below the request thread', async () => {
    expect((await hunt('IdentityInfo | count')).status).toBe(200);
    // Linux keeps a nice value per thread: field 19 of /proc/self/task/<tid>/stat.
    const nice = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    const threads = await Promise.all(
      (await fs.readdir('/proc/self/task')).map(async (tid) =>
        nice(await fs.readFile(`/proc/self/task/${tid}/stat`, 'utf8')),
      ),
    );
    expect(nice(await fs.readFile('/proc/thread-self/stat', 'utf8'))).toBe(0);
    expect(threads.filter((n) => n === 10).length).toBeGreaterThanOrEqual(1);
  });

  it('stops a join past the row cap with 422 and its place', async () => {
    const res = await hunt(WIDE);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'query_limit_exceeded',
      message: 'line 3, column 3: the join makes more than 10,000 rows; narrow the query first',
    });
  });

  it('refuses 3,000 nested parentheses with 400 at the place, not a 500', async () => {
    const res = await hunt(`IdentityInfo | where ${'('.repeat(3000)}1${')'.repeat(3000)} == 1`);
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain('nests deeper than 64 levels');
  });

  it('answers a catastrophic regex at once (RE2)', async () => {
    const res = await hunt(
      'IdentityInfo | take 1 | extend s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" | where s matches regex "(a+)+$" | count',
    );
    expect(res.status).toBe(200);
  });

  it('needs a role: a person without one gets 403', async () => {
    const griffin = h.server.as('griffin@zava.example');
    expect((await griffin.post('/api/v1/hunting/run', { query: 'IdentityInfo | count' })).status).toBe(403);
    expect((await griffin.get('/api/v1/hunting/templates')).status).toBe(403);
    expect((await h.server.as('pradeep@zava.example').get('/api/v1/hunting/templates')).status).toBe(200);
  });

  it('allows 45 calls a minute per person, then 429 with Retry-After; the next minute opens again', async () => {
    const lee = h.server.as('lee@zava.example');
    for (let i = 0; i < 45; i += 1) expect((await lee.get('/api/v1/hunting/templates')).status).toBe(200);
    const refused = await lee.get<{ error: { code: string } }>('/api/v1/hunting/templates');
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Someone else is not held back by Lee's calls.
    expect((await h.server.as('pradeep@zava.example').get('/api/v1/hunting/templates')).status).toBe(200);
    h.clock.advance(61_000);
    expect((await lee.get('/api/v1/hunting/templates')).status).toBe(200);
  });
});

// Its own server with a long wall-clock limit: on a busy machine GREEDY can take longer than 5 s to fill 192 MB,
// and the answer would be the time limit's 408 rather than the heap's 422.
describe('the hunting heap limit over real HTTP', () => {
  let h: WebhookHarness;
  beforeAll(async () => {
    h = await startWebhookServer('pglite', {}, { huntingLimits: { ...LIMITS, timeoutMs: 120_000 } });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });
  const hunt = (query: string) =>
    h.server.as('megan@zava.example').post<{ error?: { code: string; message: string } }>('/api/v1/hunting/run', {
      query,
    });

  it('stops a query past the heap limit with 422 saying so, and runs the next one', async () => {
    const res = await hunt(GREEDY);
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'query_limit_exceeded', message: expect.stringContaining('192 MB') });
    expect((await hunt('AIAgentsInfo | count')).status).toBe(200);
  }, 150_000);
});
