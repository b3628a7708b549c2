import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProtectionPolicy } from '../../bot/src/protection/protection-policy.js';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import { JAILBREAK_MESSAGE, payload } from './policy-support.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// Audit first, then enforce: a policy file that runs exfiltration in alert mode for every agent and
// blocks on Customer Billing Agent, read by the real server and applied per call.

const dir = mkdtempSync(path.join(tmpdir(), 'aw-agent-modes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`per-agent rule modes over HTTP (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      const policy = JSON.parse(JSON.stringify(loadProtectionPolicy()));
      policy.rules.exfiltration = {
        mode: 'alert',
        injectionCounts: true,
        byAgent: [{ agents: [ZAVA_IDS.customerBillingAgent], mode: 'block' }],
      };
      const file = path.join(dir, `policy-${backend.name}.json`);
      writeFileSync(file, JSON.stringify(policy));
      h = await startWebhookServer(backend.name, { PROTECTION_POLICY_FILE: file });
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const exfiltration = (agentId: string) =>
      payload({
        agentId,
        userMessage: JAILBREAK_MESSAGE,
        inputValues: { 'emailMessage/To': 'griffin.backup@outlook.com', 'emailMessage/Body': 'All invoices.' },
      });

    it('blocks on the agent the policy names', async () => {
      const res = await h.call('analyze-tool-execution', exfiltration(ZAVA_IDS.customerBillingAgent));
      expect(res.body).toMatchObject({ blockAction: true, reasonCode: 1003 });
      expect(res.body.diagnostics).toMatch(/exfiltration:block/);
    });

    it('only alerts on any other agent', async () => {
      const res = await h.call('analyze-tool-execution', exfiltration(randomUUID()));
      expect(res.body).toMatchObject({ blockAction: false, reasonCode: 0 });
      expect(res.body.diagnostics).toMatch(/exfiltration:alert/);
    });
  });
}
