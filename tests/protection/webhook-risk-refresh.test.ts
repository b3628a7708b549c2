// An alert the webhook raises changes the named agent's stored risk without a restart: the composition root
// (bot/src/app.ts) refreshes it off the webhook's path once the alert is committed. Through the real HTTP server,
// on PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zavaAttackStory } from '../../bot/scripts/zava-attack.js';
import type { AgentDetail } from '../../bot/src/domain/views.js';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

const MEGAN = 'megan@zava.example';
const BILLING = ZAVA_IDS.customerBillingAgent;

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`the stored risk after a blocking webhook call (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(backend.name);
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const detail = async () => {
      const res = await h.server.as(MEGAN).get<AgentDetail>(`/api/v1/agents/${BILLING}?view=soc`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const signalIds = (d: AgentDetail) => d.risk.signals.map((s) => s.id);

    it('shows open-high-alerts on the agent a moment after the call, with no restart and no refresh asked for', async () => {
      const before = await detail();
      expect(signalIds(before)).not.toContain('open-high-alerts');
      expect(signalIds(before)).toContain('active-threat');

      const block = zavaAttackStory(h.clock.now).find((s) => s.expect === 'block')!;
      const res = await h.call('analyze-tool-execution', block.body, { correlationId: randomUUID() });
      expect(res.status).toBe(200);
      expect(res.body.blockAction).toBe(true);

      // Poll as the tab does: the refresh runs after the alert's commit, never before the webhook's answer.
      let after = await detail();
      for (let waited = 0; !signalIds(after).includes('open-high-alerts') && waited < 15_000; waited += 100) {
        await new Promise((r) => setTimeout(r, 100));
        after = await detail();
      }
      const signal = after.risk.signals.find((s) => s.id === 'open-high-alerts');
      expect(signal, JSON.stringify(after.risk)).toBeDefined();
      expect(signal!.evidence.join(' ')).toMatch(/^1 (high|critical)$/);
      // The unresolved high alert outranks the low one: active-threat gives way, and the score rises by the new
      // signal's weight less the old one's.
      expect(signalIds(after)).not.toContain('active-threat');
      expect(after.risk.score).toBeGreaterThan(before.risk.score);
      expect(after.risk.level).toBe('critical');
      // The registry list (one indexed query over the stored risk) shows it too.
      const list = await h.server
        .as(MEGAN)
        .get<{ items: { id: string; signals: { id: string }[] }[] }>('/api/v1/agents?limit=100');
      const row = list.body.items.find((a) => a.id === BILLING);
      expect(row?.signals.map((s) => s.id)).toContain('open-high-alerts');
      expect(h.server.warden.riskAfterAlerts.snapshot()).toMatchObject({ failed: 0 });
    });
  });
}
