// The tab's view of the REST API: the server's contract (bot/src/contract/api.ts) and the domain types it names,
// plus the tab's own request options.
import type { HuntingRunResult } from '../../bot/src/contract/api.js';
export type {
  ActionResult,
  AgentDetail,
  AgentSummary,
  ApiError,
  BulkActionResult,
  BulkItemResult,
  ChangeVersion,
  HuntingColumn,
  HuntingRunResult,
  HuntingSchema,
  HuntingTemplate,
  HuntingTemplateList,
  IncidentDetail,
  IncidentSummary,
  Me,
  Page,
  Persona,
  SecurityView,
  ServerInfo,
  SubmissionView,
} from '../../bot/src/contract/api.js';
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

/**
 * What the tab reads of `POST /api/v1/hunting/run`'s answer: Graph runHuntingQuery's `{schema, results}`, and when the
 * agent tables were an earlier version's (a large tenant's, being made again after a change), since when.
 */
export type HuntingResult = Pick<HuntingRunResult, 'schema' | 'results'> &
  Partial<Pick<HuntingRunResult, 'rowCount' | 'truncated'>> & {
    stats?: Pick<HuntingRunResult['stats'], 'agentTablesAsOf'>;
  };

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
