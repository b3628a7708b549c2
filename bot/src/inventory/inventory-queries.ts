import type {
  AgentDetail,
  AgentSummary,
  IncidentDetail,
  IncidentSummary,
  Page,
  SecurityView,
  SubmissionView,
} from '../domain/views.js';
import { NotFoundError } from '../domain/errors.js';
import type { Agent, Alert, Incident, SubmissionStatus } from '../domain/types.js';
import { severityRank } from '../domain/types.js';
import { submissionReview } from '../domain/submission-review.js';
import type { AgentRisk } from '../domain/risk.js';
import { assessAgentRisk } from '../domain/risk.js';
import { accountStateLookup } from '../domain/account-state.js';
import type { AgentListFilter, AgentListRow } from '../store/agent-repository.js';
import type { IncidentListFilter } from '../store/incident-repository.js';
import type { Store } from '../store/store.js';

/** The newest response actions an incident page shows (an incident sees a handful; this bounds a noisy one). */
const INCIDENT_RESPONSES_SHOWN = 100;

/** The read side the tab, the API and the bot share: agents, incidents and submissions as people see them. */
export class InventoryQueries {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async listAgents(filter: AgentListFilter): Promise<Page<AgentSummary>> {
    const { rows, nextCursor, total } = await this.store.agents.list(filter);
    return { items: rows.map(toAgentSummary), nextCursor, ...(total === undefined ? {} : { total }) };
  }

  async agentDetail(id: string, view: SecurityView): Promise<AgentDetail> {
    const [agent, risk, alerts, incidents, pending] = await Promise.all([
      this.store.agents.get(id),
      this.store.agents.getRisk(id),
      this.store.incidents.alertsOfAgent(id),
      this.store.incidents.incidentsOfAgent(id),
      this.store.submissions.pendingForAgent(id),
    ]);
    if (!agent || !risk) throw new NotFoundError('agent', id);
    return {
      agent,
      risk,
      view,
      alerts: alerts.filter((a) => view === 'soc' || isUnresolvedHigh(a)),
      incidents: incidents.filter((i) => view === 'soc' || isUnresolvedHigh(i)).map(toIncidentSummary),
      pendingSubmission: pending,
    };
  }

  async listIncidents(filter: IncidentListFilter): Promise<Page<IncidentSummary>> {
    const { items, nextCursor } = await this.store.incidents.listIncidents(filter);
    return { items: items.map(toIncidentSummary), nextCursor };
  }

  async incidentDetail(id: string): Promise<IncidentDetail> {
    const [incident, alerts, timeline] = await Promise.all([
      this.store.incidents.getIncident(id),
      this.store.incidents.alertsOfIncident(id),
      this.store.incidents.timeline(id),
    ]);
    if (!incident) throw new NotFoundError('incident', id);
    const responses = await this.store.audit.actionsOn(
      [
        { type: 'incident', id },
        ...incident.entities.users.map((u) => ({ type: 'user' as const, id: u.userId })),
        ...incident.entities.agents.map((a) => ({ type: 'agent' as const, id: a.agentId })),
      ],
      incident.firstActivityAt,
      INCIDENT_RESPONSES_SHOWN,
    );
    return { incident, alerts, timeline, responses };
  }

  async listSubmissions(filter: {
    status?: SubmissionStatus;
    limit: number;
    cursor?: string | null;
  }): Promise<Page<SubmissionView>> {
    const { items, nextCursor } = await this.store.submissions.list(filter);
    const agents = new Map<string, Agent>();
    for (const agent of await Promise.all(items.map((s) => this.store.agents.get(s.agentId)))) {
      if (agent) agents.set(agent.id, agent);
    }
    const riskOf = await this.riskAssessor([...agents.values()]);
    const views = items.flatMap((submission): SubmissionView[] => {
      const agent = agents.get(submission.agentId);
      if (!agent) return [];
      return [{ submission, ...submissionReview(agent, submission.proposed, riskOf) }];
    });
    return { items: views, nextCursor };
  }

  /**
   * Risk of a what-if agent definition, judged on the agent's own merits (no alert history); reads
   * only the accounts of these agents' makers and owners, not the whole directory.
   */
  private async riskAssessor(agents: Agent[]): Promise<(agent: Parameters<typeof assessAgentRisk>[0]) => AgentRisk> {
    const users = await this.store.users.byUpns(agents.flatMap((a) => [...a.owners, a.createdBy]));
    const accountState = accountStateLookup(users);
    const now = this.clock();
    return (agent) => assessAgentRisk(agent, { now, accountState, openAlerts: { high: 0, critical: 0 } });
  }
}

const isUnresolvedHigh = (x: Pick<Alert | Incident, 'status' | 'severity'>) =>
  x.status !== 'resolved' && severityRank(x.severity) >= severityRank('high');

export function toAgentSummary(r: AgentListRow): AgentSummary {
  return {
    id: r.id,
    name: r.name,
    platform: r.platform,
    lifecycle: r.lifecycle,
    publishStatus: r.publish_status,
    createdBy: r.created_by,
    owners: r.owners,
    riskScore: r.risk_score,
    riskLevel: r.risk_level,
    signals: r.signals as AgentSummary['signals'],
    toolCount: r.tool_count,
    mcpOnMakerCredentials: r.mcp_maker,
    lastModifiedAt: new Date(r.last_modified_at).toISOString(),
  };
}

export function toIncidentSummary(i: Incident): IncidentSummary {
  return {
    id: i.id,
    title: i.title,
    severity: i.severity,
    status: i.status,
    assignedTo: i.assignedTo,
    classification: i.classification,
    entities: i.entities,
    alertCount: i.alertCount,
    eventCount: i.eventCount,
    firstActivityAt: i.firstActivityAt,
    lastActivityAt: i.lastActivityAt,
  };
}
