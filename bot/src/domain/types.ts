// The domain's vocabulary. Shapes follow the Defender hunting tables (AIAgentsInfo /
// AgentsInfo) and Graph's security alerts_v2 so that the Graph adapter and the hunting
// engine map onto them without translation tables. Times are ISO-8601 strings (UTC).

export type Platform = 'copilotStudio' | 'azureAIFoundry' | 'm365Copilot' | 'thirdParty';
export const PLATFORMS: readonly Platform[] = ['copilotStudio', 'azureAIFoundry', 'm365Copilot', 'thirdParty'];

export type PublishStatus = 'draft' | 'published';
export type Lifecycle = 'active' | 'blocked';
export const LIFECYCLES: readonly Lifecycle[] = ['active', 'blocked'];
/** AIAgentsInfo.UserAuthenticationType */
export type UserAuthenticationType = 'none' | 'microsoft' | 'custom';
/** AIAgentsInfo.AuthenticationTrigger */
export type AuthenticationTrigger = 'asNeeded' | 'always';
/** AIAgentsInfo.AccessControlPolicy */
export type AccessControlPolicy = 'any' | 'copilotReaders' | 'groupMembership' | 'anyMultitenant';

export type ToolKind = 'connector' | 'mcpServer' | 'http' | 'flow' | 'prebuilt';
/** Whose credentials a tool runs on: the maker's standing connection, or the calling user's. */
export type ConnectionMode = 'maker' | 'user';
export type OperationAccess = 'read' | 'write';

export interface ToolOperation {
  name: string;
  access: OperationAccess;
}

/** What a tool does to the outside world; drives the exfiltration rules. */
export type ToolCapability = 'email' | 'message' | 'http' | 'file' | 'data' | 'none';

export interface AgentTool {
  /** `toolDefinition.id` as Copilot Studio sends it to the threat-detection webhook. */
  id: string;
  name: string;
  kind: ToolKind;
  description: string;
  capability: ToolCapability;
  /** Connector name ("Office 365 Outlook") for connector tools. */
  connector: string | null;
  /** MCP server or HTTP endpoint. */
  serverUrl: string | null;
  connectionMode: ConnectionMode;
  operations: ToolOperation[];
  /** Static request headers configured on the tool (HTTP tools); secrets here are a finding. */
  headers: Record<string, string>;
  /** For e-mail tools: whether the model fills the recipients (AI-controlled). */
  recipientsFromModel: boolean;
  /** For e-mail tools whose recipients the maker fixed: those addresses. */
  fixedRecipients?: string[];
}

export type KnowledgeKind = 'sharepoint' | 'website' | 'dataverse' | 'file' | 'mcpServer';

export interface KnowledgeSource {
  name: string;
  kind: KnowledgeKind;
  url: string | null;
  connectionMode: ConnectionMode;
}

export interface AgentTopic {
  name: string;
  /** True when the topic calls out on the author's (maker's) credentials. */
  usesAuthorCredentials: boolean;
  /** The topic's steps that call out (an HTTP request, a connector operation); absent when none. */
  actions?: TopicAction[];
}

/** A topic step that calls out: Copilot Studio's HttpRequestAction, or a connector operation. */
export interface TopicAction {
  kind: 'http' | 'connector';
  /** HTTP: the URL requested. */
  url?: string;
  method?: string;
  /** HTTP: static request headers (secrets here are a finding). */
  headers?: Record<string, string>;
  /** Connector: its name and operation ("Office 365 Outlook", "SendEmailV2"). */
  connector?: string;
  operationId?: string;
  connectionMode: ConnectionMode;
  /** A send-mail operation's fixed recipients. */
  to?: string[];
}

export type TriggerKind = 'message' | 'schedule' | 'event' | 'email';

/** Power Platform environment types (Defender's "production environment" indicator reads this). */
export type EnvironmentType = 'production' | 'sandbox' | 'developer' | 'trial' | 'default';

/** A Microsoft Graph permission granted to the agent's own identity (Entra agent ID or app registration). */
export interface AgentPermission {
  /** The scope or app role ("Sites.Read.All"). */
  name: string;
  /** Application permissions act without a signed-in user, over the whole tenant. */
  type: 'application' | 'delegated';
}

export interface AgentTrigger {
  name: string;
  kind: TriggerKind;
}

/** The parts of an agent a maker can change in a new version. */
export interface AgentDefinition {
  description: string;
  instructions: string;
  userAuthentication: UserAuthenticationType;
  authenticationTrigger: AuthenticationTrigger;
  accessControl: AccessControlPolicy;
  tools: AgentTool[];
  knowledgeSources: KnowledgeSource[];
  topics: AgentTopic[];
  triggers: AgentTrigger[];
}

export interface Agent extends AgentDefinition {
  id: string;
  name: string;
  platform: Platform;
  version: string;
  publishStatus: PublishStatus;
  lifecycle: Lifecycle;
  environmentId: string;
  createdAt: string;
  createdBy: string;
  owners: string[];
  lastModifiedAt: string;
  lastModifiedBy: string;
  publishedAt: string | null;
  publishedBy: string | null;
  /** Security group ids when accessControl is groupMembership. */
  authorizedGroupIds: string[];
  connectedAgentIds: string[];
  childAgentIds: string[];
  channels: string[];
  userCount: number;
  lastActivityAt: string | null;
  blockedAt: string | null;
  blockedBy: string | null;
  blockReason: string | null;
  /** The type of the environment the agent lives in; absent when the source does not say (not assessed). */
  environmentType?: EnvironmentType;
  /** Classified as a critical asset (Defender's critical asset management, or an admin); absent: not classified. */
  criticalAsset?: boolean;
  /** Permissions granted to the agent's own identity; absent when the source does not say. */
  permissions?: AgentPermission[];
}

/** The changeable parts of an agent, as a submission proposes them. */
export function definitionOf(agent: Agent): AgentDefinition {
  return {
    description: agent.description,
    instructions: agent.instructions,
    userAuthentication: agent.userAuthentication,
    authenticationTrigger: agent.authenticationTrigger,
    accessControl: agent.accessControl,
    tools: agent.tools,
    knowledgeSources: agent.knowledgeSources,
    topics: agent.topics,
    triggers: agent.triggers,
  };
}

/** One historical snapshot of an agent, as the hunting tables keep several per agent. */
export interface AgentSnapshot {
  agentId: string;
  takenAt: string;
  agent: Agent;
}

export type Role = 'responder' | 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['responder', 'admin', 'viewer'];

export type RiskLevel = 'none' | 'low' | 'medium' | 'high';
export type RiskState = 'none' | 'atRisk' | 'confirmedCompromised' | 'remediated' | 'dismissed';

export interface DirectoryUser {
  id: string;
  upn: string;
  displayName: string;
  jobTitle: string;
  department: string;
  accountEnabled: boolean;
  roles: Role[];
  riskLevel: RiskLevel;
  riskState: RiskState;
  sessionsRevokedAt: string | null;
  passwordResetRequired: boolean;
}

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);

export type AlertStatus = 'new' | 'inProgress' | 'resolved';
export type IncidentStatus = 'active' | 'inProgress' | 'resolved';
export type Classification = 'truePositive' | 'falsePositive' | 'benignPositive';
export const CLASSIFICATIONS: readonly Classification[] = ['truePositive', 'falsePositive', 'benignPositive'];

export type Evidence =
  | { type: 'agent'; agentId: string; agentName: string; platform: Platform }
  | { type: 'user'; userId: string; upn: string; displayName: string }
  | { type: 'tool'; toolId: string; toolName: string; agentId: string }
  | { type: 'ip'; address: string };

export interface Alert {
  id: string;
  incidentId: string | null;
  title: string;
  description: string;
  /** MITRE ATT&CK tactic, as Defender names alert categories ("Exfiltration", "InitialAccess"). */
  category: string;
  severity: Severity;
  status: AlertStatus;
  classification: Classification | null;
  /** The rule or detector that raised it ("exfiltration", "persistent-jailbreak"). */
  detectorId: string;
  serviceSource: string;
  recommendedActions: string;
  mitreTechniques: string[];
  evidence: Evidence[];
  eventCount: number;
  /** Repeated identical detections grow one alert instead of making new ones. */
  dedupKey: string;
  createdAt: string;
  lastUpdatedAt: string;
  firstActivityAt: string;
  lastActivityAt: string;
  resolvedAt: string | null;
  alertWebUrl: string | null;
}

export interface IncidentEntities {
  users: { userId: string; upn: string; displayName: string }[];
  agents: { agentId: string; agentName: string; platform: Platform }[];
  tools: { toolId: string; toolName: string; agentId: string }[];
  ips: string[];
}

export interface Incident {
  id: string;
  title: string;
  category: string;
  severity: Severity;
  status: IncidentStatus;
  classification: Classification | null;
  resolutionComment: string | null;
  assignedTo: string | null;
  entities: IncidentEntities;
  alertCount: number;
  eventCount: number;
  createdAt: string;
  lastUpdatedAt: string;
  firstActivityAt: string;
  lastActivityAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  incidentWebUrl: string | null;
}

export type Decision = 'allow' | 'block';
export type EventKind = 'toolInvocation' | 'prompt';

/** One tool invocation or prompt seen by protection, with what was decided. */
export interface ProtectionEvent {
  id: string;
  occurredAt: string;
  kind: EventKind;
  userId: string | null;
  agentId: string | null;
  toolId: string | null;
  toolName: string | null;
  ip: string | null;
  decision: Decision;
  /** Rule ids that fired (blocking or alert-only). */
  rules: string[];
  reasonCode: number;
  latencyMs: number;
  correlationId: string | null;
  conversationId: string | null;
  /** The decision was taken by the configured fail mode (timeout or internal error). */
  failMode: boolean;
  summary: string;
  /** A prompt flagged as a jailbreak: a bounded excerpt of what the user wrote (`promptExcerpt`); absent otherwise. */
  prompt?: string | null;
}

/** `expired`: nobody decided within the approval expiry (APPROVAL_EXPIRY_DAYS); it can no longer be decided. */
export type SubmissionStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** A maker's new version of an agent awaiting review. */
export interface Submission {
  id: string;
  agentId: string;
  version: string;
  submittedBy: string;
  submittedAt: string;
  note: string;
  status: SubmissionStatus;
  proposed: AgentDefinition;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reason: string | null;
}

export type AuditOutcome = 'succeeded' | 'failed' | 'denied';

export interface AuditRecord {
  id: string;
  at: string;
  actor: string;
  actorName: string;
  action: string;
  targetType: 'agent' | 'user' | 'incident' | 'submission' | 'channel';
  targetId: string;
  targetName: string;
  outcome: AuditOutcome;
  detail: string;
  /** Where the action came from: a card, the tab, the API. */
  via: string;
}

/** Who is acting, after authentication. */
export interface Principal {
  id: string;
  upn: string;
  displayName: string;
  roles: Role[];
}
