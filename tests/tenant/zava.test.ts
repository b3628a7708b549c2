import { describe, expect, it } from 'vitest';
import type { RiskContext, RiskSignalId } from '../../bot/src/domain/risk.js';
import { assessAgentRisk } from '../../bot/src/domain/risk.js';
import type { Agent, AgentSnapshot, Alert } from '../../bot/src/domain/types.js';
import { maxSeverity, severityRank } from '../../bot/src/domain/types.js';
import { entitiesOf, incidentTitle } from '../../bot/src/domain/incident-correlator.js';
import { accountStateLookup } from '../../bot/src/domain/account-state.js';
import type { TenantSeed } from '../../bot/src/tenant/embedded/tenant-seed.js';
import type { ZavaFinding } from '../../bot/src/tenant/embedded/zava/index.js';
import {
  ZAVA_DELETED_UPN,
  ZAVA_DOMAIN,
  ZAVA_FINDINGS,
  ZAVA_IDS,
  ZAVA_SUBMISSION_FINDINGS,
  zavaTenant,
} from '../../bot/src/tenant/embedded/zava/index.js';
import { stableGuid } from '../../bot/src/tenant/embedded/tenant-seed.js';

const NOW = new Date('2026-11-24T10:00:00.000Z');
const seed = zavaTenant(NOW);
const agentsById = new Map(seed.agents.map((a) => [a.id, a]));
const byName = (name: string) => seed.agents.find((a) => a.name === name)!;
const nameOf = (id: string) => agentsById.get(id)?.name ?? id;

/** The RiskContext the risk refresher builds, from the seed's users and alerts. */
function riskContext(s: TenantSeed, agent: Agent, now = NOW): RiskContext {
  const open = s.alerts.filter(
    (a) => a.status !== 'resolved' && a.evidence.some((e) => e.type === 'agent' && e.agentId === agent.id),
  );
  return {
    now,
    accountState: accountStateLookup(s.users),
    openAlerts: {
      high: open.filter((a) => a.severity === 'high').length,
      critical: open.filter((a) => a.severity === 'critical').length,
      medium: open.filter((a) => a.severity === 'medium').length,
      low: open.filter((a) => a.severity === 'low' || a.severity === 'informational').length,
    },
  };
}

const riskOf = (agent: Agent) => assessAgentRisk(agent, riskContext(seed, agent));

// The history-based hunting checks, as ZAVA_FINDINGS documents them.
function snapshotsOf(agentId: string): AgentSnapshot[] {
  return seed.snapshots.filter((s) => s.agentId === agentId).sort((a, b) => a.takenAt.localeCompare(b.takenAt));
}
const mcpUrls = (a: Agent) => [
  ...a.tools.filter((t) => t.kind === 'mcpServer').map((t) => t.serverUrl),
  ...a.knowledgeSources.filter((k) => k.kind === 'mcpServer').map((k) => k.url),
];
const HISTORY_CHECKS: Record<Exclude<ZavaFinding, RiskSignalId>, (agent: Agent) => boolean> = {
  'newly-seen-mcp-server': (agent) => {
    const snaps = snapshotsOf(agent.id);
    const newest = snaps.at(-1)!.agent;
    const before = new Set(snaps.slice(0, -1).flatMap((s) => mcpUrls(s.agent)));
    return snaps.length > 1 && mcpUrls(newest).some((u) => !before.has(u));
  },
  'instructions-changed-after-publish': (agent) => {
    const snaps = snapshotsOf(agent.id);
    const newest = snaps.at(-1)!.agent;
    const atPublish = snaps.find((s) => s.agent.publishedAt !== null && s.agent.publishedAt === newest.publishedAt);
    return newest.publishStatus === 'published' && !!atPublish && atPublish.agent.instructions !== newest.instructions;
  },
  'sharing-widened-to-org': (agent) => {
    const wide = (a: Agent) => a.accessControl === 'any' || a.accessControl === 'anyMultitenant';
    const snaps = snapshotsOf(agent.id);
    return wide(snaps.at(-1)!.agent) && snaps.some((s) => !wide(s.agent));
  },
};

const shows = (finding: ZavaFinding, agent: Agent): boolean =>
  finding in HISTORY_CHECKS
    ? HISTORY_CHECKS[finding as keyof typeof HISTORY_CHECKS](agent)
    : riskOf(agent).signals.some((s) => s.id === finding);

const RISK_SIGNALS: RiskSignalId[] = [
  'mcp-maker-credentials',
  'no-user-auth',
  'org-wide-sharing',
  'hardcoded-credential',
  'insecure-http',
  'orphaned',
  'dormant',
  'open-high-alerts',
  'author-credentials',
  'auth-as-needed',
  'ai-controlled-email',
  'instructions-send-outside',
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
  'active-threat',
];

describe('Zava demo tenant', () => {
  describe('ZAVA_FINDINGS is exact', () => {
    it('covers every risk signal and every history check', () => {
      expect(Object.keys(ZAVA_FINDINGS).sort()).toEqual([...RISK_SIGNALS, ...Object.keys(HISTORY_CHECKS)].sort());
    });

    it.each(Object.keys(ZAVA_FINDINGS) as ZavaFinding[])('%s: exactly the listed agents show it', (finding) => {
      const expected = ZAVA_FINDINGS[finding].map(nameOf).sort();
      const actual = seed.agents
        .filter((a) => shows(finding, a))
        .map((a) => a.name)
        .sort();
      expect(expected.length + (ZAVA_SUBMISSION_FINDINGS[finding]?.length ?? 0)).toBeGreaterThan(0);
      expect(actual).toEqual(expected);
    });

    it.each(Object.entries(ZAVA_SUBMISSION_FINDINGS))('%s: shown by the risk after of %j', (finding, keys) => {
      for (const key of keys) {
        const submission = seed.submissions.find((s) => s.id === stableGuid(key))!;
        expect(submission.status).toBe('pending');
        const agent = agentsById.get(submission.agentId)!;
        const after = riskOf({ ...agent, ...submission.proposed });
        expect(after.signals.map((s) => s.id)).toContain(finding);
        expect(riskOf(agent).signals.map((s) => s.id)).not.toContain(finding);
      }
    });

    it('has MCP on maker credentials in Customer Billing Agent and at least four more agents', () => {
      expect(ZAVA_FINDINGS['mcp-maker-credentials']).toContain(ZAVA_IDS.customerBillingAgent);
      expect(ZAVA_FINDINGS['mcp-maker-credentials'].length).toBeGreaterThanOrEqual(5);
    });

    it('has at least eight clean agents', () => {
      const clean = seed.agents.filter(
        // Context signals (published, production environment, critical resource) are not faults.
        (a) =>
          riskOf(a).signals.every((s) => s.severity === 'informational') &&
          !Object.keys(HISTORY_CHECKS).some((f) => shows(f as ZavaFinding, a)),
      );
      expect(clean.length).toBeGreaterThanOrEqual(8);
      for (const a of clean) {
        expect(a).toMatchObject({ userAuthentication: 'microsoft', authenticationTrigger: 'always' });
        expect(['groupMembership', 'copilotReaders']).toContain(a.accessControl);
        expect(a.tools.every((t) => t.connectionMode === 'user')).toBe(true);
      }
    });
  });

  describe('Customer Billing Agent', () => {
    const billing = byName('Customer Billing Agent');

    it('has the fixed id and the tools of the story', () => {
      expect(billing.id).toBe(ZAVA_IDS.customerBillingAgent);
      expect(billing).toMatchObject({ platform: 'copilotStudio', publishStatus: 'published', lifecycle: 'active' });
      const email = billing.tools.find((t) => t.id === ZAVA_IDS.sendEmailTool)!;
      expect(email).toMatchObject({
        name: 'Send an email',
        connector: 'Office 365 Outlook',
        capability: 'email',
        connectionMode: 'maker',
        recipientsFromModel: true,
      });
      expect(email.operations.every((o) => o.access === 'write')).toBe(true);
      const mcp = billing.tools.find((t) => t.id === ZAVA_IDS.billingMcpTool)!;
      expect(mcp).toMatchObject({ kind: 'mcpServer', connectionMode: 'maker' });
      expect(billing.knowledgeSources).toContainEqual(
        expect.objectContaining({ kind: 'mcpServer', url: mcp.serverUrl, connectionMode: 'maker' }),
      );
    });

    it('ranks in the top 3 of the tenant by risk score, strictly above the rest', () => {
      const ranked = seed.agents
        .map((a) => ({ a, score: riskOf(a).score }))
        .sort((x, y) => y.score - x.score || x.a.id.localeCompare(y.a.id));
      expect(ranked.slice(0, 3).map((r) => r.a.id)).toContain(billing.id);
      expect(ranked[0]!.a.id).toBe(billing.id);
      expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    });

    it('has alerts for both views: a resolved high, a resolved low and an open low', () => {
      const about = seed.alerts.filter((a) => a.evidence.some((e) => e.type === 'agent' && e.agentId === billing.id));
      expect(about).toContainEqual(expect.objectContaining({ severity: 'high', status: 'resolved' }));
      expect(about).toContainEqual(expect.objectContaining({ severity: 'low', status: 'resolved' }));
      expect(about.some((a) => a.severity === 'low' && a.status !== 'resolved')).toBe(true);
      expect(about.some((a) => a.status !== 'resolved' && severityRank(a.severity) >= severityRank('high'))).toBe(
        false,
      );
    });

    it('has no open incident within the correlation window, so the live attack opens its own', () => {
      const dayAgo = new Date(NOW.getTime() - 24 * 3600_000).toISOString();
      const recentOpen = seed.incidents.filter(
        (i) =>
          i.status !== 'resolved' &&
          i.lastActivityAt >= dayAgo &&
          (i.entities.agents.some((a) => a.agentId === billing.id) ||
            i.entities.users.some((u) => u.userId === ZAVA_IDS.griffin)),
      );
      expect(recentOpen).toEqual([]);
    });
  });

  describe('users', () => {
    const user = (id: string) => seed.users.find((u) => u.id === id)!;

    it('has the personas with their roles, all at zava.example', () => {
      expect(user(ZAVA_IDS.megan)).toMatchObject({ upn: `megan@${ZAVA_DOMAIN}`, displayName: 'Megan Bowen' });
      expect(user(ZAVA_IDS.megan).roles).toEqual(['responder']);
      expect(user(ZAVA_IDS.adele)).toMatchObject({ displayName: 'Adele Vance', roles: ['admin'] });
      expect(user(ZAVA_IDS.pradeep)).toMatchObject({ displayName: 'Pradeep Gupta', roles: ['viewer'] });
      expect(user(ZAVA_IDS.griffin)).toMatchObject({ department: 'Finance', roles: [], accountEnabled: true });
      expect(seed.users.every((u) => u.upn.endsWith(`@${ZAVA_DOMAIN}`) && u.upn === u.upn.toLowerCase())).toBe(true);
    });

    it('has a disabled account, an owner missing from the directory, and 10 to 15 makers in it', () => {
      expect(seed.users.some((u) => !u.accountEnabled)).toBe(true);
      const upns = new Set(seed.users.map((u) => u.upn));
      expect(upns.has(ZAVA_DELETED_UPN)).toBe(false);
      expect(seed.agents.some((a) => a.owners.includes(ZAVA_DELETED_UPN))).toBe(true);
      const makers = new Set(seed.agents.map((a) => a.createdBy).filter((m) => upns.has(m)));
      expect(makers.size).toBeGreaterThanOrEqual(10);
      expect(makers.size).toBeLessThanOrEqual(15);
    });
  });

  describe('referential integrity', () => {
    const upns = new Set(seed.users.map((u) => u.upn));
    const userIds = new Set(seed.users.map((u) => u.id));
    const incidentIds = new Set(seed.incidents.map((i) => i.id));
    const alertsOf = (incidentId: string) => seed.alerts.filter((a) => a.incidentId === incidentId);

    it('has unique ids everywhere', () => {
      const all = [
        ...seed.users.map((u) => u.id),
        ...seed.agents.map((a) => a.id),
        ...seed.alerts.map((a) => a.id),
        ...seed.incidents.map((i) => i.id),
        ...seed.events.map((e) => e.id),
        ...seed.submissions.map((s) => s.id),
      ];
      expect(new Set(all).size).toBe(all.length);
      expect(new Set(seed.users.map((u) => u.upn)).size).toBe(seed.users.length);
      for (const a of seed.agents) expect(new Set(a.tools.map((t) => t.id)).size).toBe(a.tools.length);
      const snapshotKeys = seed.snapshots.map((s) => `${s.agentId}@${s.takenAt}`);
      expect(new Set(snapshotKeys).size).toBe(snapshotKeys.length);
    });

    it('names only directory people as makers and owners, except the deleted owner', () => {
      for (const a of seed.agents) {
        for (const upn of [a.createdBy, a.lastModifiedBy, ...a.owners, ...(a.publishedBy ? [a.publishedBy] : [])]) {
          expect(upns.has(upn) || upn === ZAVA_DELETED_UPN, `${a.name}: ${upn}`).toBe(true);
        }
        if (a.blockedBy) expect(upns.has(a.blockedBy)).toBe(true);
      }
    });

    it('links agents to agents that exist', () => {
      for (const a of seed.agents) {
        for (const id of [...a.connectedAgentIds, ...a.childAgentIds]) expect(agentsById.has(id)).toBe(true);
      }
    });

    it('keeps agents self-consistent in time and state', () => {
      for (const a of seed.agents) {
        expect(a.createdAt <= a.lastModifiedAt, a.name).toBe(true);
        expect(a.lastModifiedAt <= NOW.toISOString(), a.name).toBe(true);
        expect(a.publishStatus === 'published').toBe(a.publishedAt !== null);
        if (a.publishedAt) expect(a.publishedAt <= a.lastModifiedAt && a.publishedAt >= a.createdAt).toBe(true);
        expect(a.lifecycle === 'blocked').toBe(a.blockedAt !== null);
        expect(a.authorizedGroupIds.length > 0).toBe(a.accessControl === 'groupMembership');
      }
    });

    it('keeps snapshots of existing agents, the newest equal to the agent, a third with history', () => {
      for (const s of seed.snapshots) expect(agentsById.has(s.agentId)).toBe(true);
      for (const a of seed.agents) {
        const snaps = snapshotsOf(a.id);
        expect(snaps.length).toBeGreaterThanOrEqual(1);
        expect(snaps.length).toBeLessThanOrEqual(4);
        expect(snaps.at(-1)!.agent).toEqual(a);
        for (const s of snaps) {
          expect(s.agent.id).toBe(a.id);
          expect(s.takenAt <= NOW.toISOString()).toBe(true);
          expect(s.agent.publishStatus === 'published').toBe(s.agent.publishedAt !== null);
        }
      }
      const withHistory = seed.agents.filter((a) => snapshotsOf(a.id).length >= 2);
      expect(withHistory.length).toBeGreaterThanOrEqual(Math.floor(seed.agents.length / 3) - 2);
    });

    it('points every alert at an incident of the seed, and events at known agents and users', () => {
      for (const a of seed.alerts) expect(incidentIds.has(a.incidentId!)).toBe(true);
      for (const e of seed.events) {
        expect(e.agentId === null || agentsById.has(e.agentId)).toBe(true);
        expect(e.userId === null || userIds.has(e.userId)).toBe(true);
        if (e.toolId) expect(agentsById.get(e.agentId!)!.tools.map((t) => t.id)).toContain(e.toolId);
      }
      for (const s of seed.submissions) expect(agentsById.has(s.agentId)).toBe(true);
    });

    it('builds incidents from their alerts as the correlator does', () => {
      for (const i of seed.incidents) {
        const alerts = alertsOf(i.id);
        expect(alerts.length).toBe(i.alertCount);
        expect(i.severity).toBe(alerts.reduce((s, a) => maxSeverity(s, a.severity), alerts[0]!.severity));
        expect(i.status === 'resolved').toBe(alerts.every((a) => a.status === 'resolved'));
        expect(i.eventCount).toBe(alerts.reduce((n, a) => n + a.eventCount, 0));
        expect(i.entities).toEqual(entitiesOf(alerts));
        expect(i.title).toBe(incidentTitle(alerts, i.entities));
        if (i.status === 'resolved') expect(i.classification).not.toBeNull();
      }
      for (const a of seed.alerts) {
        expect(a.status === 'resolved').toBe(a.resolvedAt !== null);
        expect(a.status === 'resolved').toBe(a.classification !== null);
        expect(a.firstActivityAt <= a.lastActivityAt).toBe(true);
        for (const e of a.evidence) {
          if (e.type === 'agent') expect(agentsById.get(e.agentId)?.name).toBe(e.agentName);
          if (e.type === 'user') expect(userIds.has(e.userId)).toBe(true);
        }
      }
    });

    it('has 8 to 12 alerts across severities in 5 to 8 incidents, and no open high Griffin incident', () => {
      expect(seed.alerts.length).toBeGreaterThanOrEqual(8);
      expect(seed.alerts.length).toBeLessThanOrEqual(12);
      expect(seed.incidents.length).toBeGreaterThanOrEqual(5);
      expect(seed.incidents.length).toBeLessThanOrEqual(8);
      expect(new Set(seed.alerts.map((a) => a.severity))).toEqual(new Set(['informational', 'low', 'medium', 'high']));
      expect(seed.incidents.some((i) => i.status !== 'resolved')).toBe(true);
      const griffinOpenHigh = seed.incidents.filter(
        (i) =>
          i.status !== 'resolved' &&
          severityRank(i.severity) >= severityRank('high') &&
          i.entities.users.some((u) => u.userId === ZAVA_IDS.griffin),
      );
      expect(griffinOpenHigh).toEqual([]);
    });

    it("gives each alert exactly its own events under the seed loader's linking rule", () => {
      // seed-loader links an event to an alert when it is about the alert's user or agent, inside the
      // alert's activity window, and was blocked or fired a rule.
      for (const alert of seed.alerts) expect(linkedEvents(alert).length, alert.title).toBe(alert.eventCount);
    });

    it('has two pending and one approved submission by the agents’ makers', () => {
      expect(seed.submissions.map((s) => s.status).sort()).toEqual(['approved', 'pending', 'pending']);
      for (const s of seed.submissions) {
        const agent = agentsById.get(s.agentId)!;
        expect([agent.createdBy, ...agent.owners]).toContain(s.submittedBy);
      }
      // One waits for a blocked agent (approving unblocks it), one for an active agent.
      const pending = seed.submissions.filter((s) => s.status === 'pending');
      expect(pending.map((s) => agentsById.get(s.agentId)!.lifecycle).sort()).toEqual(['active', 'blocked']);
    });
  });

  it('moves with `now` and is otherwise the same', () => {
    const later = zavaTenant(new Date(NOW.getTime() + 86_400_000));
    expect(later.agents.map((a) => a.id)).toEqual(seed.agents.map((a) => a.id));
    expect(Date.parse(later.agents[0]!.createdAt) - Date.parse(seed.agents[0]!.createdAt)).toBe(86_400_000);
    expect(zavaTenant(NOW)).toEqual(seed);
  });
});

function linkedEvents(alert: Alert) {
  const agentIds = new Set(alert.evidence.flatMap((e) => (e.type === 'agent' ? [e.agentId] : [])));
  const userIds = new Set(alert.evidence.flatMap((e) => (e.type === 'user' ? [e.userId] : [])));
  return seed.events.filter(
    (e) =>
      ((e.agentId && agentIds.has(e.agentId)) || (e.userId && userIds.has(e.userId))) &&
      e.occurredAt >= alert.firstActivityAt &&
      e.occurredAt <= alert.lastActivityAt &&
      (e.decision === 'block' || e.rules.length > 0),
  );
}
