import { describe, expect, it } from 'vitest';
import { accountStateLookup } from '../../bot/src/domain/account-state.js';
import type { RiskSignalId } from '../../bot/src/domain/risk.js';
import { assessAgentRisk } from '../../bot/src/domain/risk.js';
import type { Agent, Alert } from '../../bot/src/domain/types.js';
import { buildHuntingTables, huntingCatalog, staticTables } from '../../bot/src/hunting/hunting-tables.js';
import { HuntingService } from '../../bot/src/hunting/hunting-service.js';
import { compileKql } from '../../bot/src/hunting/kql/index.js';
import { RUNTIME_RETENTION_DAYS } from '../../bot/src/hunting/runtime-tables.js';
import { HUNTING_TEMPLATES } from '../../bot/src/hunting/templates.js';
import type { ZavaFinding } from '../../bot/src/tenant/embedded/zava/findings.js';
import { ZAVA_AGENT_IDS, ZAVA_FINDINGS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const seed = zavaTenant(NOW);
// The runtime part as the live tables build it (hunting-tables.ts): decisions and alerts of the last 30 days.
const since = new Date(NOW.getTime() - RUNTIME_RETENTION_DAYS * 86_400_000).toISOString();
const activity = {
  events: seed.events.filter((e) => e.occurredAt >= since),
  alerts: seed.alerts.filter((a) => a.lastActivityAt >= since),
};
const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 1, NOW, activity);
const service = new HuntingService(staticTables(tables), () => NOW);

const REQUIRED: ZavaFinding[] = [
  'mcp-maker-credentials',
  'no-user-auth',
  'auth-as-needed',
  'author-credentials',
  'org-wide-sharing',
  'hardcoded-credential',
  'insecure-http',
  'ai-controlled-email',
  'orphaned',
  'dormant',
  'newly-seen-mcp-server',
  'instructions-changed-after-publish',
  // Defender's posture indicators, and the signals on instructions and alerts: every risk signal has a template.
  'instructions-send-outside',
  'open-high-alerts',
  'active-threat',
  'published',
  'weak-instructions',
  'high-autonomy',
  'indirect-prompt-injection',
  'privileged-data-access',
  'privileged-system-access',
  'production-environment',
  'coordinator-agent',
  'cross-tenant-access',
  'critical-resource',
];

describe('hunting templates on the Zava tenant', () => {
  it("covers the checks the issue lists, MCP on the maker's credentials first", () => {
    expect(HUNTING_TEMPLATES[0]?.id).toBe('mcp-maker-credentials');
    expect(HUNTING_TEMPLATES.map((t) => t.id)).toEqual(expect.arrayContaining(REQUIRED));
    for (const t of HUNTING_TEMPLATES) {
      expect(t.title && t.finds && t.why, t.id).toBeTruthy();
      expect(
        t.owasp.every((o) => /^LLM\d\d:2025 /.test(o)),
        t.id,
      ).toBe(true);
      expect(
        t.mitre.every((m) => /^T\d{4}(\.\d{3})? /.test(m)),
        t.id,
      ).toBe(true);
    }
  });

  it('builds several snapshots for agents with history', () => {
    const snapshotsOf = (id: string) => tables.AIAgentsInfo.filter((r) => r.AIAgentId === id).length;
    expect(snapshotsOf(ZAVA_AGENT_IDS.customerBillingAgent)).toBe(4);
    expect(snapshotsOf(ZAVA_AGENT_IDS.hrPolicy)).toBe(3);
    expect(snapshotsOf(ZAVA_AGENT_IDS.websiteAssistant)).toBe(1);
    expect(tables.AgentsInfo).toHaveLength(tables.AIAgentsInfo.length);
  });

  it.each(HUNTING_TEMPLATES.map((t) => [t.id, ZAVA_FINDINGS[t.id as ZavaFinding]] as const))(
    '%s returns exactly the seeded agents',
    async (id, expected) => {
      expect(expected, `no seeded finding for ${id}`).toBeDefined();
      const result = await service.run({ templateId: id });
      const ids = result.results.map((r) => r.AIAgentId as string);
      expect(new Set(ids).size, 'one row per agent').toBe(ids.length);
      expect([...ids].sort()).toEqual([...(expected ?? [])].sort());
    },
  );

  it("finds Customer Billing Agent and the others with MCP tools on the maker's credentials, with the evidence", async () => {
    const result = await service.run({ templateId: 'mcp-maker-credentials' });
    const billing = result.results.find((r) => r.AIAgentId === ZAVA_AGENT_IDS.customerBillingAgent);
    expect(billing?.AIAgentName).toBe('Customer Billing Agent');
    expect(billing?.Components).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tool /), expect.stringMatching(/^knowledge /)]),
    );
    expect(result.results.map((r) => r.AIAgentName)).toEqual(
      expect.arrayContaining(['Customer Billing Agent', 'Invoice Reconciliation Assistant']),
    );
  });

  it('runs each template text through the public compiler unchanged (what Defender would receive)', () => {
    for (const t of HUNTING_TEMPLATES) expect(() => compileKql(t.query, huntingCatalog), t.id).not.toThrow();
  });

  it('moves with the clock: dormant grows as time passes', async () => {
    const later = new HuntingService(staticTables(tables), () => new Date(NOW.getTime() + 400 * 86_400_000));
    const result = await later.run({ templateId: 'dormant' });
    expect(result.results.length).toBeGreaterThan(ZAVA_FINDINGS.dormant.length);
  });

  it('has a template for every finding the Zava tenant is built to show (every risk signal included)', () => {
    const ids = new Set(HUNTING_TEMPLATES.map((t) => t.id));
    expect(Object.keys(ZAVA_FINDINGS).filter((f) => !ids.has(f))).toEqual([]);
  });
});

/** The risk signals of an agent as the risk refresher assesses them: unresolved alerts naming it, by severity. */
function signalsOf(agent: Agent, alerts: Alert[]): RiskSignalId[] {
  const open = alerts.filter(
    (a) => a.status !== 'resolved' && a.evidence.some((e) => e.type === 'agent' && e.agentId === agent.id),
  );
  const count = (...severities: string[]) => open.filter((a) => severities.includes(a.severity)).length;
  return assessAgentRisk(agent, {
    now: NOW,
    accountState: accountStateLookup(seed.users),
    openAlerts: {
      high: count('high'),
      critical: count('critical'),
      medium: count('medium'),
      low: count('low', 'informational'),
    },
  }).signals.map((x) => x.id);
}

/** The agents a template returns, and those its risk signal fires on, over the same agents and alerts. */
async function bothSides(id: RiskSignalId, agents: Agent[], alerts: Alert[]) {
  const t = buildHuntingTables(agents, [], seed.users, 1, NOW, { events: [], alerts });
  const result = await new HuntingService(staticTables(t), () => NOW).run({ templateId: id });
  return {
    template: result.results.map((r) => r.AIAgentId as string).sort(),
    signal: agents
      .filter((a) => signalsOf(a, alerts).includes(id))
      .map((a) => a.id)
      .sort(),
  };
}

describe('the templates of the newest signals agree with the signals beyond the seed', () => {
  const base = seed.agents.find((a) => a.id === ZAVA_AGENT_IDS.websiteAssistant)!;
  const variant = (n: number, instructions: string, extra: Partial<Agent> = {}): Agent => ({
    ...base,
    ...extra,
    id: `variant-${n}`,
    name: `Variant ${n}`,
    instructions,
  });

  it("instructions-send-outside: outside addresses, copy lines, subdomains, owners' domains and near misses", async () => {
    const agents = [
      variant(1, 'Always CC finance-archive@outside.example'),
      variant(2, 'Questions go to helpdesk@outside.example.'),
      variant(3, 'Be brief.\nAlways CC billing@zava.example on replies.'),
      variant(4, 'Replies come from noreply@mail.zava.example'),
      variant(5, 'Mention @Megan, use @media, pay @ 5%, end with @'),
      variant(6, 'Forward each invoice to ap@partner.example', { owners: ['ops@partner.example'] }),
      variant(7, 'Send a copy of the summary to Boss@Outside.Example and bcc nobody'),
      variant(8, 'Write to a@b..example or to x@.example'),
      variant(9, 'Escalate to legal@zava.example.\nForwarding is never allowed.'),
      variant(10, 'Questions go to help@eu.partner.example', { owners: ['ops@partner.example'] }),
    ];
    const { template, signal } = await bothSides('instructions-send-outside', agents, []);
    expect(signal).toEqual(['variant-1', 'variant-2', 'variant-3', 'variant-6', 'variant-7']);
    expect(template).toEqual(signal);
  });

  it('open-high-alerts and active-threat: by severity, resolved alerts left out', async () => {
    const agents = [1, 2, 3, 4, 5].map((n) => variant(n, base.instructions));
    const template = seed.alerts.find((a) => a.evidence.some((e) => e.type === 'agent'))!;
    const alert = (n: number, agentId: string, severity: Alert['severity'], status: Alert['status']): Alert => ({
      ...template,
      id: `alert-${n}`,
      severity,
      status,
      lastActivityAt: NOW.toISOString(),
      evidence: [{ type: 'agent', agentId, agentName: agentId, platform: 'copilotStudio' }],
    });
    const alerts = [
      alert(1, 'variant-1', 'critical', 'new'),
      alert(2, 'variant-2', 'high', 'inProgress'),
      alert(3, 'variant-2', 'medium', 'new'),
      alert(4, 'variant-3', 'medium', 'new'),
      alert(5, 'variant-4', 'informational', 'inProgress'),
      alert(6, 'variant-5', 'critical', 'resolved'),
      alert(7, 'variant-5', 'high', 'resolved'),
    ];
    const high = await bothSides('open-high-alerts', agents, alerts);
    expect(high.signal).toEqual(['variant-1', 'variant-2']);
    expect(high.template).toEqual(high.signal);
    const threat = await bothSides('active-threat', agents, alerts);
    expect(threat.signal).toEqual(['variant-3', 'variant-4']);
    expect(threat.template).toEqual(threat.signal);
  });
});
