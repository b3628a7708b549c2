import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEvaluator } from '../../bot/src/protection/protection-service.js';
import { evaluatePolicy } from '../../bot/src/protection/policy-engine.js';
import { benignCall } from '../../bot/scripts/zava-attack.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// Degradation is visible (issue 9, item 9): fail-mode answers raise one "protection degraded" alert
// per episode, high severity, in an incident announced through the outbox like any other.

const CRASH = 'please crash the policy';
const HOLD = 'please hold the policy';
/** The overload test's held decision: in progress until released. */
let held: { release: () => void } | null = null;
const evaluate: PolicyEvaluator = (input, policy) => {
  if (input.request.userMessage === CRASH) throw new Error('policy exploded');
  if (input.request.userMessage === HOLD) {
    return new Promise((resolve) => {
      held = { release: () => resolve(evaluatePolicy(input, policy)) };
    });
  }
  return evaluatePolicy(input, policy);
};

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`protection degraded alert (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(
        backend.name,
        { PROTECTION_MAX_IN_FLIGHT: '1', PROTECTION_BUDGET_MS: '5000' },
        { protectionEvaluate: evaluate },
      );
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const crash = async () => {
      const body = benignCall(h.clock.now, 'debra', 'customerBillingAgent', CRASH).body;
      const res = await h.call('analyze-tool-execution', body, { correlationId: randomUUID() });
      expect(res.body).toMatchObject({ blockAction: false, reasonCode: 0 });
    };
    const degradedAlerts = () =>
      h.server.warden.store.db.query<{ id: string; incident_id: string; severity: string; description: string }>(
        `select id, incident_id, data->>'severity' as severity, data->>'description' as description from alerts
         where dedup_key like 'protection-degraded|%' order by last_activity_at`,
      );

    it('raises one high alert per episode, in an incident announced to the SOC channel', async () => {
      for (let i = 0; i < 3; i++) await crash();
      const first = await degradedAlerts();
      expect(first).toHaveLength(1);
      expect(first[0]).toMatchObject({ severity: 'high', incident_id: expect.any(String) });
      expect(first[0]!.description).toMatch(/fail mode/);
      const incident = await h.server.warden.store.db.query<{ severity_rank: number }>(
        'select severity_rank from incidents where id = $1',
        [first[0]!.incident_id],
      );
      expect(incident).toHaveLength(1);
      const outbox = await h.server.warden.store.db.query<{ topic: string }>(
        'select topic from outbox where subject_id = $1',
        [first[0]!.incident_id],
      );
      expect(outbox.map((o) => o.topic)).toContain('incident.changed');

      // Quiet for longer than an episode: the next failure is a new episode, with its own alert.
      h.clock.advance(6 * 60_000);
      await crash();
      await crash();
      expect(await degradedAlerts()).toHaveLength(2);
    });

    it('past the in-flight limit a call is answered at once by the fail mode, counted and stored', async () => {
      const before = h.server.warden.protection.overloaded;
      const holding = h.call(
        'analyze-tool-execution',
        benignCall(h.clock.now, 'debra', 'customerBillingAgent', HOLD).body,
        { correlationId: randomUUID() },
      );
      // Wait until the held decision is in progress (its evaluator has been called).
      while (!held) await new Promise((r) => setTimeout(r, 10));
      const correlationId = randomUUID();
      const body = benignCall(h.clock.now, 'emily', 'customerBillingAgent', 'Invoice status?').body;
      const res = await h.call('analyze-tool-execution', body, { correlationId });
      expect(res.body).toMatchObject({ blockAction: false, reasonCode: 0 });
      expect(res.body.diagnostics).toMatch(/overload/);
      expect(h.server.warden.protection.overloaded).toBe(before + 1);
      held.release();
      expect((await holding).status).toBe(200);
      await h.server.warden.protection.recorder.flush();
      const rows = await h.server.warden.store.db.query<{ fail_reason: string }>(
        "select data->>'failReason' as fail_reason from events where data->>'correlationId' = $1",
        [correlationId],
      );
      expect(rows).toEqual([{ fail_reason: 'overload' }]);
    });
  });
}
