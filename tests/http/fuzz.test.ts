// Fuzz: >= 10,000 malformed requests generated from the OpenAPI document (every route), plus the webhook and
// the bot endpoint, over real HTTP. Not one may be answered with a 5xx, and the server is healthy afterwards.
// Fixed seed; FUZZ_REQUESTS=100000 (and FUZZ_SEED) for a larger run.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_CALLER_APP_ID, EMBEDDED_WEBHOOK_AUDIENCE } from '../../bot/src/config.js';
import { apiRequests, type FuzzRequest, type OpenApiDocument } from '../support/openapi-fuzz.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const CONCURRENCY = 16;

const jsonOf = (v: unknown) => JSON.stringify(v) ?? 'null';

function webhookRequests(token: string): fc.Arbitrary<FuzzRequest> {
  const text = fc.string({ unit: 'binary', maxLength: 20 });
  const shaped = fc.record(
    {
      plannerContext: fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ userMessage: text, chatHistory: fc.anything() }),
      ),
      toolDefinition: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ id: text, type: text, name: text })),
      inputValues: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      conversationMetadata: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  );
  return fc
    .record({
      route: fc.constantFrom('validate', 'analyze-tool-execution'),
      version: fc.oneof(fc.constant('2025-05-01'), text),
      auth: fc.oneof(
        fc.constant(`Bearer ${token}`),
        fc.constant(''),
        text.map((t) => `Bearer ${t}`),
      ),
      body: fc.oneof(shaped.map(jsonOf), fc.jsonValue({ maxDepth: 4 }).map(jsonOf), text),
      correlation: fc.option(
        text.map((t) => t.replace(/[^\x20-\x7e]/g, '') || 'c'),
        { nil: undefined },
      ),
    })
    .map(({ route, version, auth, body, correlation }) => ({
      method: 'POST',
      path: `/api/threat-detection/${route}?api-version=${encodeURIComponent(version)}`,
      headers: {
        'content-type': 'application/json',
        ...(auth ? { authorization: auth.replace(/[^\x20-\x7e]/g, '') } : {}),
        ...(correlation ? { 'x-ms-correlation-id': correlation } : {}),
      },
      body,
    }));
}

function botRequests(): fc.Arbitrary<FuzzRequest> {
  const activity = fc.record(
    {
      type: fc.oneof(fc.constantFrom('message', 'invoke', 'conversationUpdate', ''), fc.string()),
      name: fc.oneof(fc.constant('adaptiveCard/action'), fc.string()),
      text: fc.string({ unit: 'binary', maxLength: 40 }),
      serviceUrl: fc.oneof(fc.webUrl(), fc.string()),
      from: fc.jsonValue({ maxDepth: 2 }),
      conversation: fc.jsonValue({ maxDepth: 2 }),
      value: fc.jsonValue({ maxDepth: 3 }),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(activity.map(jsonOf), fc.jsonValue({ maxDepth: 3 }).map(jsonOf), fc.string()).map((body) => ({
    method: 'POST',
    path: '/api/messages',
    headers: { 'content-type': 'application/json' },
    body,
  }));
}

describe('fuzzing every route with malformed requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  }, 180_000);
  afterAll(async () => server?.close());

  it(`answers ${REQUESTS} malformed requests without a 5xx, and stays healthy`, { timeout: 600_000 }, async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as OpenApiDocument;
    const token = await server.warden.localKeys!.sign({
      audience: EMBEDDED_WEBHOOK_AUDIENCE,
      appId: EMBEDDED_CALLER_APP_ID,
    });
    const users = ['megan@zava.example', 'adele@zava.example', 'pradeep@zava.example', 'griffin@zava.example'];
    const requests = fc.oneof(
      { weight: 8, arbitrary: apiRequests(doc, users) },
      { weight: 1, arbitrary: webhookRequests(token) },
      { weight: 1, arbitrary: botRequests() },
    );
    const samples = fc.sample(requests, { seed: SEED, numRuns: REQUESTS });
    const routesHit = new Set(samples.map((r) => `${r.method} ${r.path.split('?')[0]}`));
    expect(routesHit.size).toBeGreaterThan(Object.keys(doc.paths).length);

    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < samples.length) {
        const req = samples[next++]!;
        try {
          const res = await fetch(server.url + req.path, { method: req.method, headers: req.headers, body: req.body });
          const text = await res.text();
          if (res.status >= 500)
            failures.push(`${res.status} ${req.method} ${req.path} ${req.body?.slice(0, 200)} -> ${text}`);
        } catch (err) {
          failures.push(`no answer: ${req.method} ${req.path}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 10)).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await server.as('adele@zava.example').get('/api/v1/agents?limit=1')).status).toBe(200);
  });
});
