// IncidentReader over the store: the card views of incidents, submissions, agents and the bot's status,
// filled from the same records the tab reads (and the audit trail for "who did what").
import { ACTION_ROLES } from '../../domain/authorization.js';
import type { ActionName } from '../../domain/authorization.js';
import type { AgentRisk } from '../../domain/risk.js';
import { assessAgentRisk } from '../../domain/risk.js';
import type { Agent, AuditRecord, Incident } from '../../domain/types.js';
import { submissionReview } from '../../domain/submission-review.js';
import { accountStateLookup } from '../../domain/account-state.js';
import type { Store } from '../../store/store.js';
import type {
  AgentRiskCardView,
  ApprovalCardView,
  CardHistoryEntry,
  CardLinks,
  IncidentCardView,
  IncidentListCardView,
  RiskSummaryView,
  StatusCardView,
} from '../cards/card-views.js';
import type { SubEntityKind } from '../cards/deep-links.js';
import { browserUrl, cardLinks, tabDeepLink } from '../cards/deep-links.js';
import type { IncidentReader } from '../ports.js';

export interface StoreIncidentReaderOptions {
  store: Store;
  clock: () => Date;
  /** The Teams app id (manifest `id`) and the static tab's entityId, for deep links. */
  teamsAppId: string;
  tabEntityId?: string;
  /** The server's public URL: the browser links. */
  publicUrl: string;
  tenant: 'embedded' | 'graph';
  version: string;
}

/** How many blocked calls an incident card lists (the rest are counted). */
export const CARD_BLOCKED_CALLS = 5;

const CARD_ACTIONS = new Set<string>(Object.keys(ACTION_ROLES));
const isCardAction = (action: string): action is ActionName => CARD_ACTIONS.has(action);

export class StoreIncidentReader implements IncidentReader {
  private readonly store: Store;
  private readonly linkOptions: { appId: string; entityId: string; baseUrl: string };

  constructor(private readonly options: StoreIncidentReaderOptions) {
    this.store = options.store;
    this.linkOptions = {
      appId: options.teamsAppId,
      entityId: options.tabEntityId ?? 'warden',
      baseUrl: options.publicUrl,
    };
  }

  private links(kind: SubEntityKind, id: string): CardLinks {
    return cardLinks(this.linkOptions, kind, id);
  }

  private listLinks(path: 'incidents'): CardLinks {
    return {
      teams: tabDeepLink({ appId: this.linkOptions.appId, entityId: this.linkOptions.entityId, subEntityId: path }),
      browser: `${this.linkOptions.baseUrl.replace(/\/+$/, '')}/${path}`,
    };
  }

  /** Members of the conversation as the notifier last read them (when recorded). */
  private async audience(conversationId: string | null): Promise<{ userIds: string[] }> {
    return { userIds: conversationId ? await this.store.channels.memberIds(conversationId) : [] };
  }

  async incidentCardView(incidentId: string, conversationId: string | null): Promise<IncidentCardView | null> {
    const incident = await this.store.incidents.getIncident(incidentId);
    if (!incident) return null;
    const [alerts, timeline, users, agents, history, audience] = await Promise.all([
      this.store.incidents.alertsOfIncident(incidentId),
      this.store.incidents.timeline(incidentId),
      Promise.all(incident.entities.users.map((u) => this.store.users.get(u.userId))),
      Promise.all(incident.entities.agents.map((a) => this.store.agents.get(a.agentId))),
      this.incidentHistory(incident),
      this.audience(conversationId),
    ]);
    const blocked = timeline.filter((e) => e.decision === 'block').reverse();
    return {
      incident: {
        id: incident.id,
        title: incident.title,
        category: incident.category,
        severity: incident.severity,
        status: incident.status,
        classification: incident.classification,
        resolutionComment: incident.resolutionComment,
        assignedTo: incident.assignedTo,
        entities: incident.entities,
        alertCount: incident.alertCount,
        eventCount: incident.eventCount,
        firstActivityAt: incident.firstActivityAt,
        lastActivityAt: incident.lastActivityAt,
        resolvedAt: incident.resolvedAt,
        resolvedBy: incident.resolvedBy,
        incidentWebUrl: incident.incidentWebUrl,
      },
      alerts: alerts.map((a) => ({
        id: a.id,
        title: a.title,
        severity: a.severity,
        recommendedActions: a.recommendedActions,
        alertWebUrl: a.alertWebUrl,
      })),
      blockedCalls: blocked.slice(0, CARD_BLOCKED_CALLS).map((e) => ({
        id: e.id,
        occurredAt: e.occurredAt,
        toolName: e.toolName,
        summary: e.summary,
        ip: e.ip,
      })),
      blockedCallCount: blocked.length,
      users: users.flatMap((u) =>
        u
          ? [
              {
                id: u.id,
                upn: u.upn,
                displayName: u.displayName,
                sessionsRevokedAt: u.sessionsRevokedAt,
                passwordResetRequired: u.passwordResetRequired,
                riskState: u.riskState,
              },
            ]
          : [],
      ),
      agents: agents.flatMap((a) =>
        a
          ? [
              {
                id: a.id,
                name: a.name,
                platform: a.platform,
                lifecycle: a.lifecycle,
                blockedAt: a.blockedAt,
                blockedBy: a.blockedBy,
              },
            ]
          : [],
      ),
      history,
      links: this.links('incident', incident.id),
      audience,
    };
  }

  /**
   * What was done about the incident, oldest first: actions on the incident itself, and actions on its
   * users and agents since the incident began (a block from the tab shows on the card too).
   */
  private async incidentHistory(incident: Incident): Promise<CardHistoryEntry[]> {
    const done = await this.store.audit.incidentHistory({
      id: incident.id,
      userIds: incident.entities.users.map((u) => u.userId),
      agentIds: incident.entities.agents.map((a) => a.agentId),
      since: incident.createdAt ?? incident.firstActivityAt,
    });
    const records = done.filter((r) => isCardAction(r.action));
    const assignees = new Map<string, string>();
    const assigning = records.filter((r) => r.action === 'assignIncident').map((r) => r.actor);
    for (const upn of new Set([...assigning, ...(incident.assignedTo ? [incident.assignedTo] : [])])) {
      const user = await this.store.users.get(upn);
      if (user) assignees.set(upn, user.displayName);
    }
    return records.map((r) => ({
      action: r.action as ActionName,
      actorName: r.actorName,
      at: r.at,
      // "Assigned to" names the assignee; the audit names the incident, so use the current assignee
      // for the latest assignment and the assigner (who assigned to themselves from a card) otherwise.
      targetName:
        r.action === 'assignIncident'
          ? (assigneeName(r, records, incident, assignees) ?? null)
          : r.targetType === 'incident'
            ? null
            : r.targetName,
      detail: r.action === 'resolveIncident' ? (incident.classification ?? null) : null,
    }));
  }

  async approvalCardView(submissionId: string, conversationId: string | null): Promise<ApprovalCardView | null> {
    const submission = await this.store.submissions.get(submissionId);
    if (!submission) return null;
    const agent = await this.store.agents.get(submission.agentId);
    if (!agent) return null;
    const [users, audit, audience] = await Promise.all([
      this.store.users.all(),
      this.store.audit.list({ targetType: 'submission', targetId: submissionId, limit: 50 }),
      this.audience(conversationId),
    ]);
    const accountState = accountStateLookup(users);
    const now = this.options.clock();
    const judge = (a: Agent): RiskSummaryView =>
      summary(assessAgentRisk(a, { now, accountState, openAlerts: { high: 0, critical: 0 } }));
    return {
      submission: {
        id: submission.id,
        agentId: submission.agentId,
        version: submission.version,
        submittedBy: submission.submittedBy,
        submittedAt: submission.submittedAt,
        note: submission.note,
        status: submission.status,
        proposed: submission.proposed,
        reviewedBy: submission.reviewedBy,
        reviewedAt: submission.reviewedAt,
        reason: submission.reason,
      },
      ...submissionReview(agent, submission.proposed, judge),
      history: audit.items
        .filter((r) => r.outcome === 'succeeded' && isCardAction(r.action))
        .reverse()
        .map((r) => ({
          action: r.action as ActionName,
          actorName: r.actorName,
          at: r.at,
          targetName: submission.version,
          // The reason of a rejection, and of an approval when one was given (both kept in the audit).
          detail:
            r.action === 'rejectSubmission'
              ? r.detail || submission.reason
              : r.action === 'approveSubmission'
                ? r.detail || null
                : null,
        })),
      links: this.links('submission', submission.id),
      audience,
    };
  }

  async openIncidents(limit: number): Promise<IncidentListCardView> {
    const n = Math.max(0, Math.min(Math.floor(limit), 100));
    const [open, totalOpen] = await Promise.all([
      this.store.incidents.openAtLeast('high', n),
      this.store.incidents.countOpenAtLeast('high'),
    ]);
    return {
      items: open.map((i) => ({
        incident: {
          id: i.id,
          title: i.title,
          severity: i.severity,
          status: i.status,
          assignedTo: i.assignedTo,
          alertCount: i.alertCount,
          eventCount: i.eventCount,
          lastActivityAt: i.lastActivityAt,
        },
        links: this.links('incident', i.id),
      })),
      totalOpen,
      links: this.listLinks('incidents'),
    };
  }

  async findAgentByName(name: string): Promise<AgentRiskCardView | null> {
    const agent = await this.store.agents.findOneByName(name);
    if (!agent) return null;
    const [risk, openIncidentCount] = await Promise.all([
      this.store.agents.getRisk(agent.id),
      this.store.incidents.countOpenOfAgent(agent.id),
    ]);
    return {
      agent: {
        id: agent.id,
        name: agent.name,
        platform: agent.platform,
        version: agent.version,
        lifecycle: agent.lifecycle,
        publishStatus: agent.publishStatus,
        createdBy: agent.createdBy,
        owners: agent.owners,
        userAuthentication: agent.userAuthentication,
        accessControl: agent.accessControl,
        userCount: agent.userCount,
        lastActivityAt: agent.lastActivityAt,
        blockedAt: agent.blockedAt,
        blockReason: agent.blockReason,
        tools: agent.tools.map((t) => ({
          id: t.id,
          name: t.name,
          kind: t.kind,
          connectionMode: t.connectionMode,
          capability: t.capability,
          serverUrl: t.serverUrl,
        })),
      },
      risk: risk ?? { score: 0, level: 'none', signals: [] },
      openIncidentCount,
      links: this.links('agent', agent.id),
    };
  }

  async statusView(conversationId: string): Promise<StatusCardView> {
    const [c, bySeverity, lastPostedAt, pendingPosts] = await Promise.all([
      this.store.channels.get(conversationId),
      this.store.incidents.countOpenBySeverity(),
      this.store.channels.lastPostAt(conversationId),
      this.store.outbox.backlog(),
    ]);
    const total = Object.values(bySeverity).reduce((sum, n) => sum + n, 0);
    return {
      channel: c
        ? {
            conversationId: c.conversationId,
            name: c.channelName,
            teamName: c.teamName,
            active: c.active,
            registeredAt: c.registeredAt,
          }
        : null,
      openIncidents: { total, bySeverity },
      lastPostedAt,
      pendingPosts,
      tenant: this.options.tenant,
      version: this.options.version,
    };
  }

  /** The browser URL of a thing, for logs and replies. */
  browserUrl(kind: SubEntityKind, id: string): string {
    return browserUrl(this.linkOptions.baseUrl, kind, id);
  }
}

function assigneeName(
  record: AuditRecord,
  records: AuditRecord[],
  incident: Incident,
  assigners: Map<string, string>,
): string | undefined {
  const last = [...records].reverse().find((r) => r.action === 'assignIncident');
  if (record === last && incident.assignedTo) {
    return assigners.get(incident.assignedTo) ?? incident.assignedTo;
  }
  return assigners.get(record.actor) ?? record.actorName;
}

const summary = (risk: AgentRisk): RiskSummaryView => ({
  score: risk.score,
  level: risk.level,
  signals: risk.signals.map((s) => ({ id: s.id, severity: s.severity, title: s.title })),
});
