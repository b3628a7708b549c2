import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolExecutionBody } from '../../bot/src/protection/webhook-simulation.js';
import { ZAVA_IDS, ZAVA_USER_IDS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// Issue 9's attack list, tried as an attacker would, through the real HTTP server: each of these once
// turned a block into "allowed", lost the evidence or stored junk.

const BODY_LIMIT = 1024 * 1024;

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`the webhook under attack (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(backend.name, { PROTECTION_MAX_BODY_BYTES: String(BODY_LIMIT) });
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    /** Debra asks Customer Billing Agent to send an e-mail: nothing in the conversation looks like an attack. */
    const email = (inputValues: Record<string, unknown>) => {
      const seed = zavaTenant(h.clock.now);
      const agent = seed.agents.find((a) => a.id === ZAVA_IDS.customerBillingAgent)!;
      return toolExecutionBody({
        agent,
        tool: agent.tools.find((t) => t.id === ZAVA_IDS.sendEmailTool)!,
        user: { id: ZAVA_USER_IDS.debra },
        tenantId: ZAVA_IDS.tenantId,
        userMessage: 'Please send the invoice summary.',
        inputValues,
        ip: '::ffff:10.20.30.40',
        conversationId: randomUUID(),
        at: h.clock.now,
      });
    };
    const decide = async (body: unknown) => {
      const res = await h.call('analyze-tool-execution', body, { correlationId: randomUUID() });
      expect(res.status).toBe(200);
      return res.body as { blockAction: boolean; reasonCode: number; diagnostics: string };
    };
    const eventsWith = async (correlationId: string) => {
      await h.server.warden.protection.recorder.flush();
      return h.server.warden.store.db.query<{ decision: string }>(
        "select decision from events where data->>'correlationId' = $1",
        [correlationId],
      );
    };

    describe('recipients an attacker tries to hide', () => {
      it.each([30_000, 60_000])(
        'a deny-listed recipient followed by %i characters of padding is still blocked (the scan is linear)',
        async (n) => {
          const answer = await decide(email({ 'emailMessage/To': `me@proton.me;${'a'.repeat(n)}` }));
          expect(answer).toMatchObject({ blockAction: true, reasonCode: 1010 });
        },
      );

      const padding = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`pad${i}`, `filler value ${i}`]));
      const nested = (depth: number, leaf: Record<string, unknown>): Record<string, unknown> =>
        depth === 0 ? leaf : { [`level${depth}`]: nested(depth - 1, leaf) };

      it.each([
        ['after 200 padding entries', { ...padding, 'emailMessage/To': 'me@proton.me' }, 1010],
        ['nested 7 levels deep', nested(7, { To: 'me@proton.me' }), 1010],
        ['nested 40 levels deep in a list', { items: [nested(40, { to: ['me@proton.me'] })] }, 1010],
        [
          'an outside Bcc after 200 padding entries',
          { ...padding, 'emailMessage/To': 'ap@zava.example', 'emailMessage/Bcc': 'x@outlook.com' },
          1011,
        ],
        [
          'an outside Bcc nested 7 levels deep',
          { 'emailMessage/To': 'ap@zava.example', ...nested(7, { Bcc: 'x@outlook.com' }) },
          1011,
        ],
      ])('a recipient %s is found', async (_what, inputValues, code) => {
        expect(await decide(email(inputValues))).toMatchObject({ blockAction: true, reasonCode: code });
      });

      it.each([
        ['a display name', 'Me <me@proton.me>'],
        ['upper case and a trailing dot', 'ME@PROTON.ME.'],
        ['a Cyrillic look-alike letter', 'me@pr\u043eton.me'],
        ['the look-alike as punycode', 'me@xn--prton-kye.me'],
        ['percent-encoding', 'me%40proton%2Eme'],
        ['a full-width at sign', 'me\uff20proton.me'],
        ['a zero-width space', 'me@pro\u200bton.me'],
        ['surrounding whitespace and tabs', ' \t me@proton.me \n'],
      ])('a deny-listed recipient written with %s is blocked', async (_what, to) => {
        const answer = await decide(email({ 'emailMessage/To': to }));
        expect(answer).toMatchObject({ blockAction: true, reasonCode: 1010 });
      });

      it.each([
        ['upper case and a trailing dot', 'HTTPS://PASTEBIN.COM./raw/x'],
        ['a percent-encoded dot in the host', 'https://pastebin%2Ecom/raw/x'],
        ['a bare host in a URL parameter', 'webhook.site/abc'],
      ])('a deny-listed URL written with %s is blocked', async (_what, url) => {
        expect(await decide(email({ 'emailMessage/To': 'ap@zava.example', url }))).toMatchObject({
          blockAction: true,
          reasonCode: 1010,
        });
      });

      it("a look-alike of the organization's own domain is outside the organization", async () => {
        const answer = await decide(
          email({ 'emailMessage/To': 'ap@zava.example', 'emailMessage/Bcc': 'ap@z\u0430va.example' }),
        );
        expect(answer).toMatchObject({ blockAction: true, reasonCode: 1011 });
      });

      it('an e-mail with more inputs than are checked is blocked, and the event says why', async () => {
        const lines = Array.from({ length: 100 }, (_, i) => `Line ${i} of the quarterly invoice summary.`);
        const answer = await decide(email({ 'emailMessage/To': 'ap@zava.example', lines }));
        expect(answer).toMatchObject({ blockAction: true, reasonCode: 1012 });
        expect(answer.diagnostics).toContain('unchecked-inputs:block');
      });

      it.each([null, 'x'])(
        'arguments named like Object.prototype members (%s) do not stop the check: the external recipient is blocked',
        async (value) => {
          // The schema once refused "constructor" with 400 (and answered 500 on null): a call Copilot Studio then allowed.
          const names = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];
          const answer = await decide(
            email({ ...Object.fromEntries(names.map((n) => [n, value])), 'emailMessage/To': 'me@proton.me' }),
          );
          expect(answer).toMatchObject({ blockAction: true, reasonCode: 1010 });
        },
      );
    });

    describe('evidence an attacker tries to erase', () => {
      it('a NUL in a recipient and in conversationId: blocked, and the event, its alert and its incident are stored', async () => {
        const body = email({ 'emailMessage/To': 'me@proton.me\u0000', 'emailMessage/Body': 'Invoices\ud800.' });
        (body.conversationMetadata as Record<string, unknown>).conversationId = 'conv-\u0000-1';
        const correlationId = randomUUID();
        const res = await h.call('analyze-tool-execution', body, { correlationId });
        expect(res.body).toMatchObject({ blockAction: true, reasonCode: 1010 });
        // Durable answers: stored before the answer, no flush needed.
        const rows = await h.server.warden.store.db.query<{
          id: string;
          conversation: string;
          alerts: number;
          incidents: number;
        }>(
          `select e.id, e.data->>'conversationId' as conversation,
                  (select count(*)::int from alert_events ae where ae.event_id = e.id) as alerts,
                  (select count(distinct a.incident_id)::int from alert_events ae join alerts a on a.id = ae.alert_id
                    where ae.event_id = e.id and a.incident_id is not null) as incidents
           from events e where e.data->>'correlationId' = $1`,
          [correlationId],
        );
        // Earlier calls of this file may add a burst alert to the same event: at least the deny-list one.
        expect(rows).toHaveLength(1);
        expect(rows[0]!.conversation).toBe('conv-\ufffd-1');
        expect(rows[0]!.alerts).toBeGreaterThanOrEqual(1);
        expect(rows[0]!.incidents).toBeGreaterThanOrEqual(1);
      });
    });

    describe('strict contract', () => {
      it.each([
        ['{}', {}, 'toolDefinition.id'],
        ['{"foo":"bar"}', { foo: 'bar' }, 'toolDefinition.id'],
        ['{"toolDefinition":null}', { toolDefinition: null }, 'toolDefinition.id'],
        ['a tool without an agent', { toolDefinition: { id: 'x.SendEmail' } }, 'conversationMetadata.agent.id'],
        [
          'an empty tool id',
          { toolDefinition: { id: ' ' }, conversationMetadata: { agent: { id: 'a' } } },
          'toolDefinition.id',
        ],
      ])('answers %s with 400 naming the field, and stores nothing', async (_what, body, field) => {
        const correlationId = randomUUID();
        const res = await h.call('analyze-tool-execution', body, { correlationId });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ errorCode: 400, httpStatus: 400 });
        expect(res.body.diagnostics).toContain(field);
        expect(await eventsWith(correlationId)).toHaveLength(0);
      });

      it('answers reasonCode as an integer', async () => {
        const answer = await decide(email({ 'emailMessage/To': 'me@proton.me' }));
        expect(Number.isInteger(answer.reasonCode)).toBe(true);
      });
    });
  });
}
