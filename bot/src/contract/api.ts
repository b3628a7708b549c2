// The REST API's contract (/api/v1): every response shape, shared by the server and the tab, and the map from a
// route's `returns` name to its type, so a route that answers something else does not compile (http/api-route.ts).
// Types only, over the domain's types: the tab imports this file, so it must not import server code.
import type { AuditRecord, DirectoryUser, ProtectionEvent, Role, Submission } from '../domain/types.js';
import type { ToolDefinitionVersion } from '../domain/tool-definitions.js';
import type {
  ActionResult,
  AgentDetail,
  AgentSummary,
  IncidentDetail,
  IncidentSummary,
  Page,
  SubmissionView,
} from '../domain/views.js';

// The read side's and the response actions' shapes live in the domain, below the services that return them.
export type {
  ActionResult,
  AgentDetail,
  AgentSummary,
  IncidentDetail,
  IncidentSummary,
  Page,
  SecurityView,
  SubmissionView,
} from '../domain/views.js';

/** Error body of every 4xx/5xx answer. */
export interface ApiError {
  error: { code: string; message: string; field?: string; issues?: { path: string; message: string }[] };
}

/** GET /agents/{id}/tool-definitions: per tool, oldest first; version 1 is the baseline rug pulls are measured from. */
export interface ToolDefinitionHistory {
  agentId: string;
  versions: ToolDefinitionVersion[];
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

/** A number that grows with every change the tab may show; poll it and refetch when it moves. */
export interface ChangeVersion {
  version: number;
}

/** One agent's outcome in `POST /api/v1/agents/bulk/block` or `/bulk/notify-maker`. */
export interface BulkItemResult {
  agentId: string;
  outcome: 'done' | 'noop' | 'failed';
  message: string;
  auditId: string | null;
  error?: { code: string; message: string };
}

export interface BulkActionResult {
  action: 'blockAgent' | 'notifyMaker';
  results: BulkItemResult[];
  summary: { done: number; noop: number; failed: number };
}

/** A column of a hunting table or result: its name and its Kusto type (`string`, `datetime`, `dynamic`, ...). */
export interface HuntingColumn {
  name: string;
  type: string;
}

/** A pre-built hunting template: the KQL and why a SOC runs it. */
export interface HuntingTemplate {
  id: string;
  /** The title, also as `name` and what it finds as `description`, as Defender's saved queries have them. */
  name: string;
  description: string;
  title: string;
  finds: string;
  why: string;
  owasp: string[];
  mitre: string[];
  severity: 'critical' | 'high' | 'medium' | 'low';
  tables: string[];
  query: string;
}

/** `GET /api/v1/hunting/templates`: the templates, and the tables with their columns for the editor. */
export interface HuntingTemplateList {
  items: HuntingTemplate[];
  tables: Record<string, HuntingColumn[]>;
}

/** `POST /api/v1/hunting/run`: Graph runHuntingQuery's `{schema, results}` plus how many rows there were. */
export interface HuntingRunResult {
  templateId: string | null;
  schema: HuntingColumn[];
  results: Record<string, unknown>[];
  /** Rows the query produced before the row limit. */
  rowCount: number;
  truncated: boolean;
  stats: {
    elapsedMs: number;
    dataVersion: number;
    tableRows: Record<string, number>;
    /** Set when the agent tables read were an earlier version's (the current one is being made): its time. */
    agentTablesAsOf?: string;
  };
}

/** `GET /api/v1/hunting/schema`: the tables as Graph's `security/getHuntingSchema` answers (huntingSchemaResult). */
export interface HuntingSchema {
  tables: { name: string; description: string; columns: { name: string; dataType: string; description: string }[] }[];
  functions: { builtInFunctions: unknown[]; savedFunctions: unknown[] };
}

/**
 * What each route answers, by the name its definition gives in `returns` (also the OpenAPI description). A route's
 * handler must return this type: `defineRoute` checks it at compile time.
 */
export interface ApiResponses {
  ActionResult: ActionResult;
  AgentDetail: AgentDetail;
  BulkActionResult: BulkActionResult;
  ChangeVersion: ChangeVersion;
  DirectoryUser: DirectoryUser;
  HuntingRunResult: HuntingRunResult;
  HuntingSchema: HuntingSchema;
  HuntingTemplateList: HuntingTemplateList;
  IncidentDetail: IncidentDetail;
  Me: Me;
  'Page<AgentSummary>': Page<AgentSummary>;
  'Page<AuditRecord>': Page<AuditRecord>;
  'Page<IncidentSummary>': Page<IncidentSummary>;
  'Page<ProtectionEvent>': Page<ProtectionEvent>;
  'Page<SubmissionView>': Page<SubmissionView>;
  'Persona[]': Persona[];
  ServerInfo: ServerInfo;
  Submission: Submission;
  ToolDefinitionHistory: ToolDefinitionHistory;
}

export type ResponseName = keyof ApiResponses;

export type { AuditRecord, Submission };
