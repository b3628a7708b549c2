import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEvaluator } from '../../bot/src/protection/protection-service.js';
import { evaluatePolicy } from '../../bot/src/protection/policy-engine.js';
import { benignCall } from '../../bot/scripts/zava-attack.js';
import { BACKENDS } from '../support/test-db.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// A decision not made within PROTECTION_BUDGET_MS, or one that fails, is answered by
// PROTECTION_FAIL_MODE and recorded as such. The slow and failing policies are injected through the
// composition root's override, so production code has no test hooks and nothing here sleeps.

const HANG = 'please hang the policy';
const CRASH = 'please crash the policy';

const evaluate: PolicyEvaluator = (input, policy) => {
  if (input.request.userMessage === HANG) return new Promise(() => undefined); // never decides
  if (input.request.userMessage === CRASH) throw new Error('policy exploded');
  return evaluatePolicy(input, policy);
};

const cases = BACKENDS.filter((b) => b.enabled).flatMap((b) =>
  (['open', 'closed'] as const).map((mode) => ({ backend: b.name, mode })),
);

describe.each(cases)('fail mode $mode ($backend)', ({ backend, mode }) => {
  let h: WebhookHarness;
  beforeAll(async () => {
    h = await startWebhookServer(
      backend,
      { PROTECTION_BUDGET_MS: '1000', PROTECTION_FAIL_MODE: mode },
      { protectionEvaluate: evaluate },
    );
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const call = (message: string) => {
    const correlationId = randomUUID();
    const body = benignCall(h.clock.now, 'debra', 'customerBillingAgent', message).body;
    return h.call('analyze-tool-execution', body, { correlationId }).then((res) => ({ res, correlationId }));
  };

  const storedEvent = async (correlationId: string) => {
    await h.server.warden.protection.recorder.flush();
    const rows = await h.server.warden.store.db.query<{ decision: string; data: Record<string, unknown> }>(
      "select decision, data from events where data->>'correlationId' = $1",
      [correlationId],
    );
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };

  it.each([
    ['timeout', HANG, 2001],
    ['error', CRASH, 2002],
  ] as const)('answers a decision that ends in %s by the fail mode and records it', async (reason, message, code) => {
    const { res, correlationId } = await call(message);
    expect(res.status).toBe(200);
    if (mode === 'open') {
      expect(res.body).toMatchObject({ blockAction: false, reasonCode: 0 });
    } else {
      expect(res.body).toMatchObject({ blockAction: true, reasonCode: code });
      expect(res.body.reason).toMatch(/security check/);
    }
    expect(res.body.diagnostics).toContain(`fail-${mode}`);
    const event = await storedEvent(correlationId);
    expect(event.decision).toBe(mode === 'open' ? 'allow' : 'block');
    expect(event.data).toMatchObject({ failMode: true, failReason: reason, correlationId });
  });

  it('decides normally when the policy answers in time', async () => {
    const { res, correlationId } = await call('What is the payment status of invoice INV-20417?');
    expect(res.body).toMatchObject({ blockAction: false, reasonCode: 0 });
    const event = await storedEvent(correlationId);
    expect(event.data).toMatchObject({ failMode: false, failReason: null });
  });
});
