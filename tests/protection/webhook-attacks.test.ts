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
