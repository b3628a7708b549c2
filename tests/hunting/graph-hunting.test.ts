// Graph mode (issue 12, item 4): with TENANT=graph, POST /api/v1/hunting/run sends the same query text to Microsoft
// Graph's POST /security/runHuntingQuery and answers in the embedded shape; Graph's refusals become the API's clear
// errors (400 with Graph's reason, 429 with Graph's Retry-After, 408 when no answer comes in time). Against the fake
// Graph over real HTTP (tests/fakes/fake-graph.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HuntingRunResult } from '../../bot/src/hunting/hunting-service.js';
import { HUNTING_SCHEMAS, buildHuntingTables } from '../../bot/src/hunting/hunting-tables.js';
import { ZAVA_AGENT_IDS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';
import { FakeGraph, GRAPH_APP, GRAPH_TENANT, startGraphWarden, type GraphWarden } from '../fakes/fake-graph.js';

const VIEWER = { oid: 'oid-pradeep', upn: 'pradeep@zava.example', name: 'Pradeep Gupta', roles: ['Warden.Viewer'] };
const TIMEOUT_MS = 2000;

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

describe('hunting in graph mode: the query goes to Graph runHuntingQuery', () => {
  let fake: FakeGraph;
  let w: GraphWarden;
  let token: string;
  beforeAll(async () => {
    fake = await new FakeGraph({ tenantId: GRAPH_TENANT, ...GRAPH_APP }).start();
    // Defender's tables as the fake's advanced hunting holds them: the Zava agents, and a table only Defender has.
    const now = new Date();
    const seed = zavaTenant(now);
    const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 1, now);
    fake.huntingTables = {
      AIAgentsInfo: { columns: HUNTING_SCHEMAS.AIAgentsInfo!, rows: tables.AIAgentsInfo },
      DeviceInfo: {
        columns: [
          { name: 'Timestamp', type: 'datetime' },
          { name: 'DeviceName', type: 'string' },
        ],
        rows: [{ Timestamp: now, DeviceName: 'zava-laptop-17' }],
      },
    };
    w = await startGraphWarden('pglite', fake, { huntingLimits: { timeoutMs: TIMEOUT_MS } });
    token = await w.token(VIEWER);
  }, 180_000);
  afterAll(async () => {
    await w?.server.close();
    await fake?.stop();
  });

  const run = (body: unknown) => w.api<HuntingRunResult & ErrorBody>(token, 'POST', '/api/v1/hunting/run', body);
  const huntingCalls = () => fake.calls('POST', '/v1.0/security/runHuntingQuery');

  it('sends the query text unchanged and answers in the embedded shape', async () => {
    const query =
      'AIAgentsInfo | summarize arg_max(Timestamp, *) by AIAgentId | where UserAuthenticationType == "None" | project AIAgentId, AIAgentName, AgentCreationTime';
    const before = huntingCalls().length;
    const res = await run({ query });
    expect(res.status).toBe(200);
    const call = huntingCalls().at(-1)!;
    expect(huntingCalls().length).toBe(before + 1);
    expect(call.body).toEqual({ Query: query });
    expect(call.caller).toEqual({ kind: 'app', clientId: GRAPH_APP.clientId });
    expect(res.body.schema).toEqual([
      { name: 'AIAgentId', type: 'string' },
      { name: 'AIAgentName', type: 'string' },
      { name: 'AgentCreationTime', type: 'datetime' },
    ]);
    expect(res.body.results.map((r) => r.AIAgentId)).toContain(ZAVA_AGENT_IDS.websiteAssistant);
    expect(typeof res.body.results[0]!.AgentCreationTime).toBe('string');
    expect(res.body).toMatchObject({ templateId: null, rowCount: res.body.results.length, truncated: false });
  });

  it("runs a template's text there too, and a Defender table the embedded tenant does not have", async () => {
    const template = await run({ templateId: 'no-user-auth' });
    expect(template.status).toBe(200);
    expect(template.body.templateId).toBe('no-user-auth');
    expect(String((huntingCalls().at(-1)!.body as { Query: string }).Query)).toContain('AIAgentsInfo');
    const devices = await run({ query: 'DeviceInfo | project DeviceName' });
    expect(devices.status).toBe(200);
    expect(devices.body.results).toEqual([{ DeviceName: 'zava-laptop-17' }]);
  });

  it('cuts the rows at rowLimit and says how many there were', async () => {
    const res = await run({ query: 'AIAgentsInfo | project AIAgentId', rowLimit: 2 });
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(2);
    expect(res.body.truncated).toBe(true);
    expect(res.body.rowCount).toBeGreaterThan(2);
  });

  it("answers Graph's 400 for a bad query as 400 invalid_query with Graph's reason", async () => {
    const res = await run({ query: 'AIAgentsInfo | summarise count()' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_query');
    expect(res.body.error.message).toMatch(/Microsoft Graph refused the query: .*summarise/);
  });

  it("answers Graph's 429 as 429 rate_limited with Graph's Retry-After", async () => {
    fake.fail('POST', /\/security\/runHuntingQuery$/, {
      status: 429,
      code: 'TooManyRequests',
      message: 'Rate limit is exceeded. Try again in 120 seconds.',
      retryAfter: 120,
    });
    const res = await fetch(`${w.server.url}/api/v1/hunting/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'AIAgentsInfo | count' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('120');
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain("Microsoft Graph's hunting quota");
    // The next call goes through.
    expect((await run({ query: 'AIAgentsInfo | count' })).status).toBe(200);
  });

  it('answers 408 query_timeout when Graph does not answer within the wall-clock limit', async () => {
    fake.huntingDelayMs = TIMEOUT_MS * 3;
    try {
      const res = await run({ query: 'AIAgentsInfo | count' });
      expect(res.status).toBe(408);
      expect(res.body.error.code).toBe('query_timeout');
    } finally {
      fake.huntingDelayMs = 0;
    }
  });

  it("answers Graph's 504 as 408 and its other failures as 502 naming Graph", async () => {
    // The client tries a 504 again (three times, at once with Retry-After: 0): every try fails here.
    fake.fail('POST', /\/security\/runHuntingQuery$/, {
      status: 504,
      code: 'GatewayTimeout',
      message: 'timed out',
      retryAfter: 0,
      times: 4,
    });
    expect((await run({ query: 'AIAgentsInfo | count' })).status).toBe(408);
    fake.fail('POST', /\/security\/runHuntingQuery$/, { status: 403, code: 'Forbidden', message: 'Missing role' });
    const res = await run({ query: 'AIAgentsInfo | count' });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toContain('Microsoft Graph answered 403 Forbidden');
  });
});
