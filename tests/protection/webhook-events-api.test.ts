import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../bot/src/contract/api.js';
import type { ProtectionEvent } from '../../bot/src/domain/types.js';
import { benignCall } from '../../bot/scripts/zava-attack.js';
import { ZAVA_IDS, ZAVA_USER_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// GET /api/v1/events: the SOC's "why was this blocked?" lookup, over real HTTP after real webhook calls.

const PRADEEP = 'pradeep@zava.example';

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`GET /api/v1/events (${backend.name})`, () => {
    let h: WebhookHarness;
    const blockedId = randomUUID();
    const allowedIds: string[] = [];
    const since = new Date(Date.now() - 60_000).toISOString();
    beforeAll(async () => {
      h = await startWebhookServer(backend.name);
      const body = benignCall(h.clock.now, 'debra', 'customerBillingAgent', 'Invoice status, please.').body as {
        inputValues: Record<string, unknown>;
      };
      const blocked = await h.call(
        'analyze-tool-execution',
        { ...body, inputValues: { ...body.inputValues, to: 'me@proton.me' } },
        { correlationId: blockedId },
      );
      expect(blocked.body.blockAction).toBe(true);
      for (let i = 0; i < 5; i++) {
        const id = randomUUID();
        allowedIds.push(id);
        expect((await h.call('analyze-tool-execution', body, { correlationId: id })).body.blockAction).toBe(false);
      }
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const get = (query: string, as = PRADEEP) => h.server.as(as).get<Page<ProtectionEvent>>(`/api/v1/events?${query}`);

    it('finds a blocked call by its correlation id, with why, for a viewer', async () => {
      const res = await get(`correlationId=${blockedId}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({
          correlationId: blockedId,
          decision: 'block',
          reasonCode: 1010,
          rules: expect.arrayContaining(['deny-listed-recipient']),
          userId: ZAVA_USER_IDS.debra,
          agentId: ZAVA_IDS.customerBillingAgent,
        }),
      ]);
      expect(res.body.nextCursor).toBeNull();
    });

    it('filters by decision, user, agent and time', async () => {
      const user = `userId=${ZAVA_USER_IDS.debra}&agentId=${ZAVA_IDS.customerBillingAgent}&from=${since}`;
      const blocks = await get(`${user}&decision=block`);
      expect(blocks.body.items.map((e) => e.correlationId)).toEqual([blockedId]);
      const allows = await get(`${user}&decision=allow&limit=200`);
      expect(allows.body.items.map((e) => e.correlationId)).toEqual(expect.arrayContaining(allowedIds));
      expect(allows.body.items.every((e) => e.decision === 'allow')).toBe(true);
      const before = await get(`${user}&to=${since}&decision=block`);
      expect(before.body.items.map((e) => e.correlationId)).not.toContain(blockedId);
    });

    it('pages with a cursor, newest first, without repeating or skipping', async () => {
      const seen: string[] = [];
      const times: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: Page<ProtectionEvent> } = await get(
          `userId=${ZAVA_USER_IDS.debra}&from=${since}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.body.items.map((e) => e.correlationId!));
        times.push(...page.body.items.map((e) => e.occurredAt));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining([blockedId, ...allowedIds]));
      expect(times).toEqual([...times].sort().reverse());
    });

    it.each([
      ['decision=maybe', 'decision'],
      ['from=yesterday', 'from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to is earlier than from'],
      ['cursor=bm90IGEgY3Vyc29y', 'cursor'],
      ['limit=0', 'limit'],
    ])('answers ?%s with 400 naming the field', async (query, field) => {
      const res = await h.server.as(PRADEEP).get<{ error: { message: string } }>(`/api/v1/events?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(field);
    });

    it('refuses people without a role, and is in the OpenAPI document', async () => {
      expect((await get('', 'debra@zava.example')).status).toBe(403);
      const doc = await h.server.as(PRADEEP).get<{ paths: Record<string, unknown> }>('/api/v1/openapi.json');
      expect(Object.keys(doc.body.paths)).toContain('/api/v1/events');
    });
  });
}
