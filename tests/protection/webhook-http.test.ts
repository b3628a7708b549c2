import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { benignCall } from '../../bot/scripts/zava-attack.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// The webhook's HTTP contract (docs/architecture.md, interface 1): validate, api-version, bearer tokens, body
// limits and payload variants, over real HTTP.

const BODY_LIMIT = 256 * 1024;

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`threat-detection webhook over HTTP (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(backend.name, { PROTECTION_MAX_BODY_BYTES: String(BODY_LIMIT) });
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const benign = () =>
      benignCall(h.clock.now, 'debra', 'customerBillingAgent', 'What is the payment status of invoice INV-20417?').body;

    it('answers validate with isSuccessful', async () => {
      const res = await h.call('validate', undefined, { correlationId: 'c-validate-1' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ isSuccessful: true, status: 'OK' });
      expect(res.headers.get('x-ms-correlation-id')).toBe('c-validate-1');
    });

    it.each([
      ['a missing api-version', null, /missing/],
      ['another api-version', '2024-01-01', /'2024-01-01' is not supported/],
    ])('refuses %s with 400 and a JSON error', async (_what, apiVersion, diagnostics) => {
      for (const path of ['validate', 'analyze-tool-execution'] as const) {
        const res = await h.call(path, path === 'validate' ? undefined : benign(), { apiVersion });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({
          errorCode: 400,
          httpStatus: 400,
          message: expect.stringMatching(/api-version/),
        });
        expect(res.body.diagnostics).toMatch(diagnostics);
      }
    });

    describe('bearer token', () => {
      const cases: [string, () => Promise<string | null>, RegExp][] = [
        ['no token', async () => null, /missing bearer token/],
        ['the wrong audience', () => h.token({ audience: 'api://someone-else' }), /aud/],
        ['the wrong issuer', () => h.token({ issuer: 'https://login.microsoftonline.com/evil/v2.0' }), /iss/],
        ['an expired token', () => h.token({ expiresIn: -600 }), /expired/],
        ['a caller app not on the allow-list', () => h.token({ appId: randomUUID() }), /not allowed/],
        ['a key the server does not know', () => h.token({ foreignKey: true }), /unknown key|signature/],
        ['alg none', async () => h.unsignedToken(), /algorithm|malformed|not valid/],
        ['a garbled token', async () => 'not.a.jwt', /malformed|not valid/],
        ['a token without exp', () => h.token({ noExpiry: true }), /no exp/],
        ['a token valid for 100 years', () => h.token({ expiresIn: 100 * 365 * 86400 }), /longer than 24 hours/],
        ['a token living 25 hours', () => h.token({ expiresIn: 24 * 3600, issuedIn: -3600 }), /longer than 24 hours/],
        ['a token without iat or nbf', () => h.token({ issuedIn: null }), /neither an iat nor an nbf/],
        [
          'a token issued 10 minutes ahead',
          () => h.token({ issuedIn: 600, expiresIn: 3600 }),
          /iat claim is in the future/,
        ],
      ];
      it.each(cases)('refuses %s with 401 on both endpoints', async (_what, token, why) => {
        const bearer = await token();
        for (const path of ['validate', 'analyze-tool-execution'] as const) {
          const res = await h.call(path, path === 'validate' ? undefined : benign(), { token: bearer });
          expect(res.status).toBe(401);
          expect(res.body).toMatchObject({ errorCode: 401, httpStatus: 401 });
          expect(res.body.diagnostics).toMatch(why);
          expect(res.headers.get('www-authenticate')).toBe('Bearer');
        }
      });

      it.each([
        ['issued 4 minutes ahead (within the 5-minute skew)', { issuedIn: 240 }],
        ['carrying nbf but no iat', { issuedIn: null, notBeforeIn: -60 }],
        ['living exactly 24 hours', { issuedIn: -60, expiresIn: 24 * 3600 - 60 }],
      ])('accepts a token %s', async (_what, claims) => {
        const res = await h.call('analyze-tool-execution', benign(), { token: await h.token(claims) });
        expect(res.status).toBe(200);
      });

      it('refuses a token signed by the right key when the body is fine but the signature was altered', async () => {
        const good = await h.token();
        const [head, payload, sig] = good.split('.');
        const flipped = `${head}.${payload}.${sig!.slice(0, -4)}${sig!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
        const res = await h.call('analyze-tool-execution', benign(), { token: flipped });
        expect(res.status).toBe(401);
      });
    });

    it('allows a benign call and stores the decision with its correlation id', async () => {
      const correlationId = randomUUID();
      const res = await h.call('analyze-tool-execution', benign(), { correlationId });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ blockAction: false, reasonCode: 0 });
      expect(typeof res.body.reason).toBe('string');
      expect(res.body.diagnostics).toContain(`correlation=${correlationId}`);
      await h.server.warden.protection.recorder.flush();
      const rows = await h.server.warden.store.db.query<{ decision: string; data: { correlationId: string } }>(
        "select decision, data from events where data->>'correlationId' = $1",
        [correlationId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.decision).toBe('allow');
    });

    it('accepts the payload as Copilot Studio sends it: nulls, unknown fields, both output spellings, long history', async () => {
      const body = benign() as Record<string, Record<string, unknown>>;
      const planner = body.plannerContext!;
      const long = Array.from({ length: 400 }, (_, i) => ({
        id: `t${i}`,
        role: i % 2 ? 'assistant' : 'user',
        content: `Turn ${i}: could you check invoice INV-${20000 + i} for the customer?`,
        timestamp: new Date(h.clock.now.getTime() - (400 - i) * 1000).toISOString(),
        attachments: null,
      }));
      const variants: Record<string, unknown>[] = [
        { ...body, somethingNew: { nested: [1, 2, 3] } },
        { ...body, plannerContext: { ...planner, thought: null, chatHistory: null, previousToolsOutputs: null } },
        {
          ...body,
          plannerContext: { ...planner, previousToolOutputs: [{ status: 'ok' }], previousToolsOutputs: undefined },
        },
        { ...body, plannerContext: { ...planner, chatHistory: long } },
        { ...body, conversationMetadata: { ...body.conversationMetadata, trigger: null, incomingClientIp: null } },
        { ...body, toolDefinition: { ...body.toolDefinition, outputParameters: null, inputParameters: null } },
      ];
      for (const variant of variants) {
        const res = await h.call('analyze-tool-execution', variant);
        expect(res.status).toBe(200);
        expect(res.body.blockAction).toBe(false);
      }
    });

    it.each([
      ['an empty body', ''],
      ['malformed JSON', '{"plannerContext": '],
      ['a list instead of an object', '[1,2,3]'],
      ['a string chat history', JSON.stringify({ plannerContext: { chatHistory: 'hello' } })],
    ])('answers %s with 400 and a JSON error naming the problem', async (_what, raw) => {
      const res = await h.call('analyze-tool-execution', undefined, { raw });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ errorCode: 400, httpStatus: 400 });
      expect(typeof res.body.message).toBe('string');
    });

    it('names the bad field of a wrongly shaped body', async () => {
      const res = await h.call('analyze-tool-execution', { plannerContext: { chatHistory: 'hello' } });
      expect(res.status).toBe(400);
      expect(res.body.diagnostics).toContain('plannerContext.chatHistory');
    });

    it('answers a body over the configured limit with 413', async () => {
      const body = benign() as Record<string, Record<string, unknown>>;
      const huge = { ...body, inputValues: { query: 'x'.repeat(BODY_LIMIT + 10) } };
      const res = await h.call('analyze-tool-execution', huge);
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ errorCode: 413, httpStatus: 413 });
      // Just under the limit is fine.
      const fits = { ...body, inputValues: { query: 'y'.repeat(BODY_LIMIT - 8 * 1024) } };
      expect((await h.call('analyze-tool-execution', fits)).status).toBe(200);
    });

    it('answers another content type with 415', async () => {
      const res = await h.call('analyze-tool-execution', undefined, { raw: 'hello', contentType: 'text/csv' });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ errorCode: 415 });
    });

    it('blocks every tool call of an agent once it is blocked in the registry', async () => {
      const block = await h.server
        .as('adele@zava.example')
        .post(`/api/v1/agents/${ZAVA_IDS.customerBillingAgent}/block`, { reason: 'Investigating a compromise.' });
      expect(block.status).toBeLessThan(300);
      await h.server.warden.protection.registry.refreshIfChanged();
      const res = await h.call('analyze-tool-execution', benign());
      expect(res.body).toMatchObject({ blockAction: true, reasonCode: 1001 });
      expect(res.body.reason).not.toMatch(/agent-blocked|rule/);
      await h.server
        .as('adele@zava.example')
        .post(`/api/v1/agents/${ZAVA_IDS.customerBillingAgent}/unblock`, { reason: 'Cleared.' });
      await h.server.warden.protection.registry.refreshIfChanged();
      expect((await h.call('analyze-tool-execution', benign())).body.blockAction).toBe(false);
    });
  });
}
