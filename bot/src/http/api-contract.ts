// The REST API's response shapes (/api/v1), shared by the server and the tab.
// Types only: the tab imports this file, so it must not import server code.
import type {
  Agent,
  AgentDefinition,
  Alert,
  AuditRecord,
  Classification,
  DirectoryUser,
  Incident,
  Lifecycle,
  Platform,
  ProtectionEvent,
  Role,
  Severity,
  Submission,
} from '../domain/types.js';
import type { RiskLevel, RiskSignal } from '../domain/risk.js';
import type { ToolDefinitionVersion } from '../domain/tool-definitions.js';

export interface Page<T> {
  items: T[];
  /** Opaque; pass as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

/** Error body of every 4xx/5xx answer. */
export interface ApiError {
  error: { code: string; message: string; field?: string; issues?: { path: string; message: string }[] };
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

/** GET /agents/{id}/tool-definitions: per tool, oldest first; version 1 is the baseline rug pulls are measured from. */
export interface ToolDefinitionHistory {
  agentId: string;
  versions: ToolDefinitionVersion[];
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
}

/** Result of every response action (block, revoke, resolve, approve...). */
export interface ActionResult {
  /** done: this request changed something; noop: it was already so (no second effect, no audit). */
  outcome: 'done' | 'noop';
  message: string;
  auditId: string | null;
}

export interface Me {
  id: string;
  upn: string;
  displayName: string;
  roles: Role[];
}

export interface ServerInfo {
  auth: 'dev' | 'entra';
  tenant: 'embedded' | 'graph';
  /** Entra app (client) id for SSO; null in dev. */
  clientId: string | null;
  version: string;
}

/** AUTH=dev only: the demo identities the persona picker offers. */
export type Persona = Pick<DirectoryUser, 'id' | 'upn' | 'displayName' | 'jobTitle' | 'roles'>;

/** A submission with what it would change, for the reviewer. */
export interface SubmissionView {
  submission: Submission;
  agent: { id: string; name: string; platform: Platform; lifecycle: Lifecycle; createdBy: string };
  before: AgentDefinition;
  riskBefore: { score: number; level: RiskLevel; signals: RiskSignal[] };
  riskAfter: { score: number; level: RiskLevel; signals: RiskSignal[] };
}

/** A number that grows with every change the tab may show; poll it and refetch when it moves. */
export interface ChangeVersion {
  version: number;
}

export type { AuditRecord, Submission };
