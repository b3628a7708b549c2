// The REST API's response shapes (/api/v1), shared by the server and the tab.
// Types only: the tab imports this file, so it must not import server code.
import type { AuditRecord, DirectoryUser, Role, Submission } from '../domain/types.js';
import type { ToolDefinitionVersion } from '../domain/tool-definitions.js';

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

export type { AuditRecord, Submission };
