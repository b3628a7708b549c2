// What the card builders take: plain view models cut from the domain types. The store (or the Graph
// adapter) fills them; the builders never see a database row, a TurnContext or the clock.
import type {
  Agent,
  AgentDefinition,
  AgentTool,
  Alert,
  DirectoryUser,
  Incident,
  Principal,
  ProtectionEvent,
  Role,
  Severity,
  Submission,
} from '../../domain/types.js';
import type { AgentRisk, RiskLevel, RiskSignal } from '../../domain/risk.js';
import type { ActionName } from '../../domain/authorization.js';

/** The person a card is built for. The base card posted to a channel is built for nobody. */
export interface CardViewer {
  /** Principal id; null for the anonymous base card. */
  principalId: string | null;
  displayName: string;
  upn: string | null;
  roles: Role[];
}

export const ANONYMOUS_VIEWER: CardViewer = Object.freeze({
  principalId: null,
  displayName: '',
  upn: null,
  roles: [] as Role[],
});

export function viewerOf(principal: Principal): CardViewer {
  return { principalId: principal.id, displayName: principal.displayName, upn: principal.upn, roles: principal.roles };
}

/** Who should get their own view of a posted card automatically. */
export interface CardAudience {
  /** User MRIs (29:...) of the conversation's members, as Teams lists them. Over 60, refresh becomes manual. */
  userIds: readonly string[];
}

/** What an entry in a card's history says happened: the audit trail's action names. */
export type CardHistoryAction = ActionName;

/** One action taken on the card's subject, shown to everyone ("Agent blocked by Adele Vance at 10:42 UTC"). */
export interface CardHistoryEntry {
  action: CardHistoryAction;
  actorName: string;
  /** ISO-8601 UTC. */
  at: string;
  /** What was acted on, by name (the agent, the user, the assignee, the version). */
  targetName: string | null;
  /** Classification for a resolve, reason for a reject or an approval; null otherwise. */
  detail: string | null;
}

/** Where the full view lives: the Teams tab (deep link) and the same page in a browser. */
export interface CardLinks {
  teams: string;
  browser: string;
}

/** A user of the incident with the state that decides whether "Revoke" still applies. */
export type IncidentUserView = Pick<
  DirectoryUser,
  'id' | 'upn' | 'displayName' | 'sessionsRevokedAt' | 'passwordResetRequired' | 'riskState'
>;

/** An agent of the incident with the state that decides "Block" or "Unblock". */
export type IncidentAgentView = Pick<Agent, 'id' | 'name' | 'platform' | 'lifecycle' | 'blockedAt' | 'blockedBy'>;

export type IncidentAlertView = Pick<Alert, 'id' | 'title' | 'severity' | 'recommendedActions' | 'alertWebUrl'>;

export type BlockedCallView = Pick<ProtectionEvent, 'id' | 'occurredAt' | 'toolName' | 'summary' | 'ip'>;

export interface IncidentCardView {
  incident: Pick<
    Incident,
    | 'id'
    | 'title'
    | 'category'
    | 'severity'
    | 'status'
    | 'classification'
    | 'resolutionComment'
    | 'assignedTo'
    | 'entities'
    | 'alertCount'
    | 'eventCount'
    | 'firstActivityAt'
    | 'lastActivityAt'
    | 'resolvedAt'
    | 'resolvedBy'
    | 'incidentWebUrl'
  >;
  alerts: IncidentAlertView[];
  /** The most recent blocked tool calls, newest first (the card shows a few). */
  blockedCalls: BlockedCallView[];
  /** All blocked calls of the incident, for "and N more". */
  blockedCallCount: number;
  /** The incident's users, as the directory knows them now. */
  users: IncidentUserView[];
  /** The incident's agents, as the inventory knows them now. */
  agents: IncidentAgentView[];
  /** Oldest first. */
  history: CardHistoryEntry[];
  links: CardLinks;
  audience: CardAudience;
}

export interface RiskSummaryView {
  score: number;
  level: RiskLevel;
  signals: Pick<RiskSignal, 'id' | 'severity' | 'title'>[];
}

/** A maker's new version of an agent, for the approvers. Structurally a superset-compatible SubmissionView. */
export interface ApprovalCardView {
  submission: Pick<
    Submission,
    | 'id'
    | 'agentId'
    | 'version'
    | 'submittedBy'
    | 'submittedAt'
    | 'note'
    | 'status'
    | 'proposed'
    | 'reviewedBy'
    | 'reviewedAt'
    | 'reason'
  >;
  agent: Pick<Agent, 'id' | 'name' | 'platform' | 'lifecycle' | 'createdBy'>;
  /** The definition in force now. */
  before: AgentDefinition;
  riskBefore: RiskSummaryView;
  riskAfter: RiskSummaryView;
  /** Oldest first. */
  history: CardHistoryEntry[];
  links: CardLinks;
  audience: CardAudience;
}

/** A tool as a card may show it: never its headers, which can hold secrets. */
export type AgentToolView = Pick<AgentTool, 'id' | 'name' | 'kind' | 'connectionMode' | 'capability' | 'serverUrl'>;

export interface AgentRiskCardView {
  agent: Pick<
    Agent,
    | 'id'
    | 'name'
    | 'platform'
    | 'version'
    | 'lifecycle'
    | 'publishStatus'
    | 'createdBy'
    | 'owners'
    | 'userAuthentication'
    | 'accessControl'
    | 'userCount'
    | 'lastActivityAt'
    | 'blockedAt'
    | 'blockReason'
  > & { tools: AgentToolView[] };
  risk: AgentRisk;
  openIncidentCount: number;
  links: CardLinks;
}

export interface IncidentListItemView {
  incident: Pick<
    Incident,
    'id' | 'title' | 'severity' | 'status' | 'assignedTo' | 'alertCount' | 'eventCount' | 'lastActivityAt'
  >;
  links: CardLinks;
}

export interface IncidentListCardView {
  /** Most severe first, as the reader sorts them. */
  items: IncidentListItemView[];
  /** All open incidents, for "and N more". */
  totalOpen: number;
  /** The incident list in the tab. */
  links: CardLinks;
}

/** What `status` tells a channel: is it registered, and how is the SOC queue doing. */
export interface StatusCardView {
  channel: {
    conversationId: string;
    name: string | null;
    teamName: string | null;
    active: boolean;
    registeredAt: string;
  } | null;
  openIncidents: { total: number; bySeverity: Partial<Record<Severity, number>> };
  lastPostedAt: string | null;
  pendingPosts: number;
  tenant: 'embedded' | 'graph';
  version: string;
}

export interface HuntColumnView {
  name: string;
  type: string;
}

export interface HuntResultsCardView {
  templateId: string;
  title: string;
  schema: HuntColumnView[];
  /** The first rows; the card shows a few and links to the rest. */
  rows: Record<string, unknown>[];
  totalRows: number;
  /** Opens the full results in the tab. */
  links: CardLinks;
}

export type ActionResultOutcome = 'done' | 'noop' | 'denied' | 'failed';

export interface ActionResultCardView {
  title: string;
  outcome: ActionResultOutcome;
  message: string;
  links: CardLinks | null;
}
