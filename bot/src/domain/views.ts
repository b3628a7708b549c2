// What the read side and the response actions return: the shapes the REST API sends (re-exported by
// contract/api.ts), the bot shows and the tab renders. Types only, over the domain's types.
import type {
  Agent,
  AgentDefinition,
  Alert,
  AuditRecord,
  Classification,
  Incident,
  Lifecycle,
  Platform,
  ProtectionEvent,
  Severity,
  Submission,
} from './types.js';
import type { RiskLevel, RiskSignal } from './risk.js';

export interface Page<T> {
  items: T[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
  /** How many items match the filters in all, on the first page of lists that count them (agents). */
  total?: number;
}

export interface AgentSummary {
  id: string;
  name: string;
  platform: Platform;
  lifecycle: Lifecycle;
  publishStatus: Agent['publishStatus'];
  createdBy: string;
  owners: string[];
  riskScore: number;
  riskLevel: RiskLevel;
  signals: Pick<RiskSignal, 'id' | 'severity' | 'title'>[];
  toolCount: number;
  mcpOnMakerCredentials: boolean;
  lastModifiedAt: string;
}

export type SecurityView = 'it' | 'soc';

export interface AgentDetail {
  agent: Agent;
  risk: { score: number; level: RiskLevel; signals: RiskSignal[] };
  /** Filtered by `view`: IT sees unresolved high and critical only; SOC sees everything. */
  view: SecurityView;
  alerts: Alert[];
  incidents: IncidentSummary[];
  pendingSubmission: Submission | null;
}

export interface IncidentSummary {
  id: string;
  title: string;
  severity: Severity;
  status: Incident['status'];
  assignedTo: string | null;
  classification: Classification | null;
  entities: Incident['entities'];
  alertCount: number;
  eventCount: number;
  firstActivityAt: string;
  lastActivityAt: string;
}

export interface IncidentDetail {
  incident: Incident;
  alerts: Alert[];
  /** Every event of the incident's alerts, oldest first. */
  timeline: ProtectionEvent[];
  /**
   * The response so far, oldest first: actions that succeeded on the incident, its users or its agents since its
   * first activity (revoke, block, assign, resolve), from the audit trail.
   */
  responses: AuditRecord[];
}

/** Result of every response action (block, revoke, resolve, approve...). */
export interface ActionResult {
  /** done: this request changed something; noop: it was already so (no second effect, no audit). */
  outcome: 'done' | 'noop';
  message: string;
  auditId: string | null;
}

/** A submission with what it would change, for the reviewer. */
export interface SubmissionView {
  submission: Submission;
  agent: { id: string; name: string; platform: Platform; lifecycle: Lifecycle; createdBy: string };
  before: AgentDefinition;
  riskBefore: { score: number; level: RiskLevel; signals: RiskSignal[] };
  riskAfter: { score: number; level: RiskLevel; signals: RiskSignal[] };
}
