// The tab's view of the REST API: the shared contract plus the few shapes it does not name yet.
export type {
  ActionResult,
  AgentDetail,
  AgentSummary,
  ApiError,
  ChangeVersion,
  IncidentDetail,
  IncidentSummary,
  Me,
  Page,
  Persona,
  SecurityView,
  ServerInfo,
  SubmissionView,
} from '../../bot/src/http/api-contract.js';
export type {
  Agent,
  AgentDefinition,
  AgentTool,
  Alert,
  AuditRecord,
  Classification,
  ConnectionMode,
  DirectoryUser,
  Evidence,
  Incident,
  IncidentEntities,
  IncidentStatus,
  Lifecycle,
  Platform,
  ProtectionEvent,
  Role,
  Severity,
  Submission,
} from '../../bot/src/domain/types.js';
export type { RiskLevel, RiskSignal } from '../../bot/src/domain/risk.js';

/** One entry of `GET /api/v1/hunting/templates` (not in api-contract.ts yet; fields beyond id and name are optional). */
export interface HuntingTemplate {
  id: string;
  name: string;
  description?: string;
  query?: string;
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

/** `POST /api/v1/hunting/run`: the shape of Graph's runHuntingQuery. */
export interface HuntingResult {
  schema: { name: string; type: string }[];
  results: Record<string, unknown>[];
}

export type AgentSort = 'risk' | 'name' | 'modified';

export interface AgentListQuery {
  search?: string;
  risk?: string[];
  platform?: string[];
  status?: 'active' | 'blocked';
  mcpMaker?: boolean;
  sort?: AgentSort;
  limit?: number;
  cursor?: string | null;
}

export interface IncidentListQuery {
  status?: string[];
  severity?: string[];
  limit?: number;
  cursor?: string | null;
}

export interface AuditListQuery {
  actor?: string;
  action?: string;
  /** ISO 8601 instants: from (inclusive), to (exclusive). */
  from?: string;
  to?: string;
  targetType?: string;
  limit?: number;
  cursor?: string | null;
}
