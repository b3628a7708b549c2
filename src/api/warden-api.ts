import { ApiClient } from './api-client.js';
import type {
  ActionResult,
  AgentDetail,
  AgentListQuery,
  AgentSummary,
  AuditListQuery,
  AuditRecord,
  BulkActionResult,
  ChangeVersion,
  Classification,
  HuntingResult,
  HuntingSchema,
  HuntingTemplate,
  HuntingTemplateList,
  IncidentDetail,
  IncidentListQuery,
  IncidentSummary,
  Me,
  Page,
  Persona,
  SecurityView,
  ServerInfo,
  SubmissionView,
} from './types.js';

const enc = encodeURIComponent;

/** Typed calls to /api/v1, one per route of docs/api.md. */
export function createWardenApi(client: ApiClient) {
  return {
    info: () => client.get<ServerInfo>('/api/v1/info'),
    personas: () => client.get<Persona[]>('/api/v1/personas'),
    me: () => client.get<Me>('/api/v1/me'),
    changes: (signal?: AbortSignal) => client.get<ChangeVersion>('/api/v1/changes', { signal }),

    listAgents: (q: AgentListQuery, signal?: AbortSignal) =>
      client.get<Page<AgentSummary>>('/api/v1/agents', {
        query: {
          search: q.search?.trim(),
          risk: q.risk,
          platform: q.platform,
          status: q.status,
          mcpMaker: q.mcpMaker ? 'true' : undefined,
          sort: q.sort,
          limit: q.limit,
          cursor: q.cursor,
        },
        signal,
      }),
    getAgent: (id: string, view: SecurityView, signal?: AbortSignal) =>
      client.get<AgentDetail>(`/api/v1/agents/${enc(id)}`, { query: { view }, signal }),
    blockAgent: (id: string, reason: string, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/agents/${enc(id)}/block`, { body: { reason }, idempotencyKey }),
    unblockAgent: (id: string, reason: string, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/agents/${enc(id)}/unblock`, { body: { reason }, idempotencyKey }),
    notifyMaker: (id: string, message: string, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/agents/${enc(id)}/notify-maker`, { body: { message }, idempotencyKey }),

    listIncidents: (q: IncidentListQuery, signal?: AbortSignal) =>
      client.get<Page<IncidentSummary>>('/api/v1/incidents', {
        query: { status: q.status, severity: q.severity, limit: q.limit, cursor: q.cursor },
        signal,
      }),
    getIncident: (id: string, signal?: AbortSignal) =>
      client.get<IncidentDetail>(`/api/v1/incidents/${enc(id)}`, { signal }),
    resolveIncident: (id: string, classification: Classification, comment: string, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/incidents/${enc(id)}/resolve`, {
        body: { classification, comment },
        idempotencyKey,
      }),
    assignIncident: (id: string, idempotencyKey: string, assignee?: string) =>
      client.post<ActionResult>(`/api/v1/incidents/${enc(id)}/assign`, {
        body: assignee ? { assignee } : {},
        idempotencyKey,
      }),
    revokeUser: (userId: string, incidentId: string | null, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/users/${enc(userId)}/revoke`, {
        body: incidentId ? { incidentId } : {},
        idempotencyKey,
      }),

    listSubmissions: (
      cursor: string | null,
      limit: number,
      signal?: AbortSignal,
      status: 'pending' | 'expired' = 'pending',
    ) =>
      client.get<Page<SubmissionView>>('/api/v1/submissions', {
        query: { status, limit, cursor },
        signal,
      }),
    approveSubmission: (id: string, reason: string, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/submissions/${enc(id)}/approve`, { body: { reason }, idempotencyKey }),
    rejectSubmission: (id: string, reason: string, idempotencyKey: string) =>
      client.post<ActionResult>(`/api/v1/submissions/${enc(id)}/reject`, { body: { reason }, idempotencyKey }),

    listAudit: (q: AuditListQuery, signal?: AbortSignal) =>
      client.get<Page<AuditRecord>>('/api/v1/audit', {
        query: {
          actor: q.actor?.trim(),
          action: q.action?.trim(),
          from: q.from,
          to: q.to,
          targetType: q.targetType,
          limit: q.limit,
          cursor: q.cursor,
        },
        signal,
      }),

    huntingTemplates: async (signal?: AbortSignal): Promise<HuntingTemplate[]> =>
      (await client.get<HuntingTemplateList>('/api/v1/hunting/templates', { signal })).items,
    huntingSchema: (signal?: AbortSignal) => client.get<HuntingSchema>('/api/v1/hunting/schema', { signal }),
    runHunting: (input: { templateId: string } | { query: string }) =>
      client.post<HuntingResult>('/api/v1/hunting/run', { body: input }),
    bulkNotifyMakers: (agentIds: string[], message: string, idempotencyKey: string) =>
      client.post<BulkActionResult>('/api/v1/agents/bulk/notify-maker', {
        body: { agentIds, message },
        idempotencyKey,
      }),
    bulkBlockAgents: (agentIds: string[], reason: string, idempotencyKey: string) =>
      client.post<BulkActionResult>('/api/v1/agents/bulk/block', { body: { agentIds, reason }, idempotencyKey }),
  };
}

export type WardenApi = ReturnType<typeof createWardenApi>;
