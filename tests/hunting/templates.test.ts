import { describe, expect, it } from 'vitest';
import { buildHuntingTables, huntingCatalog, staticTables } from '../../bot/src/hunting/hunting-tables.js';
import { HuntingService } from '../../bot/src/hunting/hunting-service.js';
import { compileKql } from '../../bot/src/hunting/kql/index.js';
import { HUNTING_TEMPLATES } from '../../bot/src/hunting/templates.js';
import type { ZavaFinding } from '../../bot/src/tenant/embedded/zava/findings.js';
import { ZAVA_AGENT_IDS, ZAVA_FINDINGS, zavaTenant } from '../../bot/src/tenant/embedded/zava/index.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const seed = zavaTenant(NOW);
const tables = buildHuntingTables(seed.agents, seed.snapshots, seed.users, 1, NOW);
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
  // Defender's posture indicators (active threat has no template: alerts are not in these tables).
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
});
