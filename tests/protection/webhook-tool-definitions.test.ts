import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinitionHistory } from '../../bot/src/contract/api.js';
import type { Alert, Incident } from '../../bot/src/domain/types.js';
import { ZAVA_AGENT_IDS, ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { CAMPAIGN_MCP_DESCRIPTIONS, CAMPAIGN_MCP_TOOL_ID, zavaToolStory } from '../../bot/scripts/zava-attack.js';
import { BACKENDS } from '../support/test-db.js';
import { payload } from './policy-support.js';
import type { WebhookHarness } from './webhook-harness.js';
import { startWebhookServer } from './webhook-harness.js';

// Tool poisoning and rug pulls through the real server: the webhook answers, the definition history is
// stored per agent and tool, the alerts carry the diff, and the agent page's API shows the history.

const PLANNER = ZAVA_AGENT_IDS.marketingCampaignPlanner;

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`tool definitions through the webhook (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(backend.name);
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    const q = <T>(sql: string, params: unknown[] = []) => h.server.warden.store.db.query<T>(sql, params);
    const alertsOf = async (detectorId: string, agentId: string) =>
      (await q<{ data: Alert }>("select data from alerts where data->>'detectorId' = $1", [detectorId]))
        .map((r) => r.data)
        .filter((a) => a.evidence.some((e) => e.type === 'agent' && e.agentId === agentId));

    it('the Zava story: a rug-pull alert, then a tool-poisoning block, in one high incident for the SOC channel', async () => {
      const answers = [];
      for (const step of zavaToolStory(h.clock.now)) {
        const res = await h.call('analyze-tool-execution', step.body, { correlationId: randomUUID() });
        expect(res.status, step.what).toBe(200);
        expect(res.body.blockAction ? 'block' : 'allow', step.what).toBe(step.expect);
        answers.push(res.body);
      }
      expect(answers[0]).toMatchObject({ blockAction: false, reasonCode: 0 });
      expect(answers[0].diagnostics).toMatch(/rules=none/);
      expect(answers[1]).toMatchObject({ blockAction: false, reasonCode: 0 });
      expect(answers[1].diagnostics).toMatch(/rules=rug-pull:alert/);
      expect(answers[2]).toMatchObject({ blockAction: true, reasonCode: 1013 });
      expect(answers[2].diagnostics).toMatch(/tool-poisoning:block/);
      expect(answers[2].reason).toMatch(/instructions that did not come from you/);
      expect(answers[2].reason).not.toMatch(/poison|rule|score/i);
      await h.server.warden.protection.recorder.flush();

      const rugPulls = await alertsOf('rug-pull', PLANNER);
      // One alert per changed definition: the second and the third definitions each differ from the first.
      expect(rugPulls).toHaveLength(2);
      const first = rugPulls.find((a) => a.description.includes('version 2'))!;
      expect(first.severity).toBe('high');
      expect(first.description).toContain('"…mpaign performance, audiences and spend." -> "…mpaign performance');
      expect(first.description).toContain('purchase history');
      expect(first.evidence).toContainEqual(expect.objectContaining({ type: 'tool', toolId: CAMPAIGN_MCP_TOOL_ID }));
      const poisoning = await alertsOf('tool-poisoning', PLANNER);
      expect(poisoning).toHaveLength(1);
      expect(poisoning[0]!.description).toMatch(/poisoning\.hidden-block/);
      expect(poisoning[0]!.description).toMatch(/poisoning\.conceal/);

      const incidents = (
        await q<{ data: Incident }>("select data from incidents where $1 = any(agent_ids) and status <> 'resolved'", [
          PLANNER,
        ])
      ).map((r) => r.data);
      expect(incidents).toHaveLength(1);
      expect(incidents[0]!.severity).toBe('high');
      const outbox = await q<{ n: number | string }>(
        "select count(*) as n from outbox where topic = 'incident.changed' and subject_id = $1",
        [incidents[0]!.id],
      );
      expect(Number(outbox[0]!.n)).toBeGreaterThan(0);

      // The agent page's history: three versions, the baseline first, each with its changes.
      const res = await h.server
        .as('megan@zava.example')
        .get<ToolDefinitionHistory>(`/api/v1/agents/${PLANNER}/tool-definitions`);
      expect(res.status).toBe(200);
      const versions = res.body.versions.filter((v) => v.toolKey === CAMPAIGN_MCP_TOOL_ID);
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
      expect(versions[0]!.diff).toEqual([]);
      expect(versions[1]!.definition.description).toBe(CAMPAIGN_MCP_DESCRIPTIONS.changed);
      expect(versions[1]!.diff).toEqual([
        expect.objectContaining({ field: 'description', kind: 'changed', after: expect.stringContaining('partner') }),
      ]);
      expect(versions[2]!.diff[0]!.after).toContain('<IMPORTANT>');
      expect(new Set(versions.map((v) => v.hash)).size).toBe(3);
    });

    it('the same definition again is neither stored twice nor alerted', async () => {
      const body = payload({ toolDescription: 'Sends an e-mail from the connected mailbox.' });
      for (let i = 0; i < 3; i++) {
        const res = await h.call('analyze-tool-execution', body);
        expect(res.status).toBe(200);
        expect(res.body.diagnostics).not.toMatch(/rug-pull/);
      }
      const rows = await q<{ n: number | string }>(
        'select count(*) as n from tool_definitions where agent_id = $1 and tool_key = $2',
        [ZAVA_IDS.customerBillingAgent, ZAVA_IDS.sendEmailTool],
      );
      expect(Number(rows[0]!.n)).toBe(1);
    });

    it('a reordering of the parameters is not a change', async () => {
      const params = [
        { name: 'emailMessage/To', description: 'Recipients' },
        { name: 'emailMessage/Subject', description: 'Subject' },
        { name: 'emailMessage/Body', description: 'Body' },
      ];
      const res = await h.call('analyze-tool-execution', payload({ toolParameters: [...params].reverse() }));
      expect(res.body.diagnostics).not.toMatch(/rug-pull/);
    });

    it('tool definitions of agents not in the registry are not stored', async () => {
      const stranger = randomUUID();
      const res = await h.call('analyze-tool-execution', payload({ agentId: stranger }));
      expect(res.status).toBe(200);
      const rows = await q<{ n: number | string }>('select count(*) as n from tool_definitions where agent_id = $1', [
        stranger,
      ]);
      expect(Number(rows[0]!.n)).toBe(0);
    });

    it('a description of 100,000 characters is answered, stored cut to its bound', async () => {
      const toolId = 'cr4f2_billing.action.CommonDataServiceForApps-ListRecords';
      const long = `Finds customer accounts. ${'Ordinary text. '.repeat(7000)}`;
      const res = await h.call(
        'analyze-tool-execution',
        payload({ toolId, toolName: 'Find customer account', toolDescription: long, inputValues: { query: 'x' } }),
      );
      expect(res.status).toBe(200);
      const rows = await q<{ n: number }>(
        "select length(definition->>'description') as n from tool_definitions where agent_id = $1 and tool_key = $2",
        [ZAVA_IDS.customerBillingAgent, toolId],
      );
      expect(Number(rows[0]!.n)).toBe(16_000);
    });

    it('the history of an unknown agent is a 404 with a JSON error', async () => {
      const res = await h.server
        .as('megan@zava.example')
        .get<{ error: { code: string; message: string } }>(`/api/v1/agents/${randomUUID()}/tool-definitions`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });
  });
}
