// The runtime tables of advanced hunting (BehaviorInfo, BehaviorEntities, AlertInfo, AlertEvidence), shaped as
// Defender documents them, queried over real HTTP after Griffin's attack (`npm run simulate`'s story) went through
// the real webhook, on PGlite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACKER_IP, zavaAttackStory } from '../../bot/scripts/zava-attack.js';
import type { HuntingRunResult } from '../../bot/src/hunting/hunting-service.js';
import { ZAVA_AGENT_IDS, ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import type { Alert, DirectoryUser, ProtectionEvent } from '../../bot/src/domain/types.js';
import { buildRuntimeTables, buildRuntimeTablesYielding } from '../../bot/src/hunting/runtime-tables.js';
import type { WebhookHarness } from '../protection/webhook-harness.js';
import { startWebhookServer } from '../protection/webhook-harness.js';

const MEGAN = 'megan@zava.example';
const GRIFFIN = 'griffin@zava.example';

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`the runtime hunting tables over HTTP after Griffin's attack (${backend.name})`, () => {
    let h: WebhookHarness;
    beforeAll(async () => {
      h = await startWebhookServer(backend.name);
      for (const step of zavaAttackStory(h.clock.now)) {
        const res = await h.call('analyze-tool-execution', step.body, { correlationId: randomUUID() });
        expect(res.status, step.what).toBe(200);
      }
      await h.server.warden.protection.recorder.flush();
    }, 180_000);
    afterAll(async () => {
      await h?.close();
    });

    const hunt = async (query: string) => {
      const res = await h.server.as(MEGAN).post<HuntingRunResult>('/api/v1/hunting/run', { query });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };

    it('lists the four tables with Defender columns in getschema and the schema endpoint', async () => {
      const schema = await h.server
        .as(MEGAN)
        .get<{ tables: { name: string; columns: { name: string; dataType: string }[] }[] }>('/api/v1/hunting/schema');
      expect(schema.status).toBe(200);
      const columns = (name: string) => schema.body.tables.find((t) => t.name === name)?.columns.map((c) => c.name);
      expect(columns('AlertInfo')).toEqual([
        'Timestamp',
        'AlertId',
        'Title',
        'Category',
        'Severity',
        'ServiceSource',
        'DetectionSource',
        'AttackTechniques',
      ]);
      expect(columns('AlertEvidence')).toEqual(
        expect.arrayContaining(['AlertId', 'EntityType', 'EvidenceRole', 'AccountUpn', 'RemoteIP', 'AdditionalFields']),
      );
      expect(columns('BehaviorInfo')).toEqual(
        expect.arrayContaining(['BehaviorId', 'ActionType', 'Categories', 'AccountUpn', 'StartTime', 'EndTime']),
      );
      expect(columns('BehaviorEntities')).toEqual(
        expect.arrayContaining(['BehaviorId', 'EntityType', 'EntityRole', 'DetailedEntityRole', 'RemoteIP']),
      );
      const viaKql = await hunt('AlertEvidence | getschema | project ColumnName, ColumnType');
      expect(viaKql.results).toContainEqual({ ColumnName: 'AdditionalFields', ColumnType: 'dynamic' });
      expect(viaKql.results).toContainEqual({ ColumnName: 'FileSize', ColumnType: 'long' });
    });

    it("finds Griffin's exfiltration alert in AlertInfo and its evidence rows in AlertEvidence", async () => {
      const alerts = await hunt(
        `AlertInfo | where DetectionSource == "exfiltration"
         | join kind=inner (AlertEvidence | where EntityType == "User" and AccountUpn =~ "${GRIFFIN}") on AlertId
         | project AlertId, Title, Category, Severity, ServiceSource, AttackTechniques`,
      );
      expect(alerts.results).toHaveLength(1);
      const alert = alerts.results[0]!;
      expect(alert.ServiceSource).toBe('Agent Warden');
      expect(['High', 'Medium']).toContain(alert.Severity);

      const evidence = await hunt(
        `AlertEvidence | where AlertId == "${alert.AlertId as string}"
         | project EntityType, EvidenceRole, AccountUpn, AccountObjectId, RemoteIP, Application,
                   AgentId = tostring(AdditionalFields.AgentId), ToolId = tostring(AdditionalFields.ToolId)
         | order by EntityType asc`,
      );
      const byType = new Map(evidence.results.map((r) => [r.EntityType, r]));
      expect(byType.get('User')).toMatchObject({
        EvidenceRole: 'Impacted',
        AccountUpn: GRIFFIN,
        AccountObjectId: ZAVA_IDS.griffin,
      });
      expect(byType.get('AIAgent')).toMatchObject({
        Application: 'Customer Billing Agent',
        AgentId: ZAVA_AGENT_IDS.customerBillingAgent,
      });
      expect(byType.get('AIAgentTool')).toMatchObject({ ToolId: ZAVA_IDS.sendEmailTool });
      expect(byType.get('Ip')).toMatchObject({ RemoteIP: ATTACKER_IP.replace('::ffff:', '') });
    });

    it("has each blocked call as a behavior with Griffin, the agent, the tool and the attacker's address", async () => {
      const alert = await hunt('AlertInfo | where DetectionSource == "exfiltration" | take 1 | project Category');
      const category = alert.results[0]!.Category as string;
      const blocked = await hunt(
        `BehaviorInfo | where AccountUpn == "${GRIFFIN}" and ActionType == "ToolInvocationBlocked"
         | extend Rules = AdditionalFields.Rules, AgentId = tostring(AdditionalFields.AgentId)
         | project BehaviorId, Categories, Rules, AgentId, Description`,
      );
      expect(blocked.results).toHaveLength(3);
      for (const b of blocked.results) {
        expect(b.AgentId).toBe(ZAVA_AGENT_IDS.customerBillingAgent);
        expect(b.Rules).toContain('exfiltration');
        // The category the exfiltration detector's alert gives (MITRE tactic).
        expect(JSON.parse(b.Categories as string)).toContain(category);
      }
      const entities = await hunt(
        `BehaviorEntities | where BehaviorId == "${blocked.results[0]!.BehaviorId as string}"
         | summarize Types = make_set(EntityType), Ips = make_set_if(RemoteIP, isnotempty(RemoteIP))`,
      );
      expect([...(entities.results[0]!.Types as string[])].sort()).toEqual(['AIAgent', 'AIAgentTool', 'Ip', 'User']);
      expect(entities.results[0]!.Ips).toEqual([ATTACKER_IP.replace('::ffff:', '')]);
      // The flagged jailbreak prompts before the exfiltration are behaviors too, allowed but flagged.
      const flagged = await hunt(
        `BehaviorInfo | where AccountUpn == "${GRIFFIN}" and ActionType endswith "Flagged" | count`,
      );
      expect(flagged.results[0]!.Count as number).toBeGreaterThanOrEqual(3);
    });
  });
}

describe('the runtime tables made a step at a time on the request thread', () => {
  it('are the rows made at once, across many steps of decisions, alerts, agents and accounts', async () => {
    const at = (i: number) => new Date(Date.UTC(2026, 10, 20) + i * 1000).toISOString();
    const users = Array.from({ length: 2500 }, (_, i) => ({
      id: `u${i}`,
      upn: `user${i}@zava.example`,
      displayName: `User ${i}`,
    })) as unknown as DirectoryUser[];
    const agents = Array.from({ length: 4100 }, (_, i) => ({
      id: `a${i}`,
      name: `Agent ${i}`,
      platform: 'copilot-studio',
    }));
    const events: ProtectionEvent[] = Array.from({ length: 4500 }, (_, i) => ({
      id: `e${i}`,
      occurredAt: at(i),
      kind: i % 3 === 0 ? 'prompt' : 'tool',
      userId: `u${i % 2500}`,
      agentId: `a${i % 4100}`,
      toolId: i % 3 === 0 ? null : `t${i}`,
      toolName: i % 3 === 0 ? null : 'SendEmail',
      ip: i % 2 === 0 ? '::ffff:203.0.113.9' : null,
      decision: i % 4 === 0 ? 'block' : 'allow',
      rules: i % 4 === 0 ? ['exfiltration'] : [],
      reasonCode: i % 4 === 0 ? 1010 : 0,
      latencyMs: 3,
      correlationId: `c${i}`,
      conversationId: null,
      failMode: false,
      summary: `call ${i}`,
    })) as ProtectionEvent[];
    const alerts = Array.from({ length: 2100 }, (_, i) => ({
      id: `al${i}`,
      title: `Alert ${i}`,
      category: 'Exfiltration',
      severity: 'high',
      status: 'new',
      detectorId: 'exfiltration',
      mitreTechniques: ['T1567'],
      evidence: [
        { type: 'user', userId: `u${i % 2500}`, upn: `user${i % 2500}@zava.example`, displayName: 'x' },
        { type: 'ip', address: '203.0.113.9' },
      ],
      createdAt: at(i),
    })) as unknown as Alert[];
    const atOnce = buildRuntimeTables({ events, alerts }, agents as never, users);
    const stepped = await buildRuntimeTablesYielding({ events, alerts }, agents as never, users);
    expect(stepped).toEqual(atOnce);
    expect(atOnce.BehaviorInfo).toHaveLength(4500);
    expect(atOnce.AlertEvidence).toHaveLength(4200);
    // The last decision's agent and account were found: the directory was read to its end before the rows.
    expect(atOnce.BehaviorInfo[4499]?.AccountUpn).toBe(`user${4499 % 2500}@zava.example`);
    expect(atOnce.BehaviorInfo[4499]?.Title).toBe(`Allowed SendEmail on Agent ${4499 % 4100}`);
  });
});
