import type { Alert, Incident, IncidentStatus, ProtectionEvent, Severity } from '../domain/types.js';
import { SEVERITIES, severityRank } from '../domain/types.js';
import type { Sql } from './db.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface IncidentListFilter {
  statuses?: IncidentStatus[];
  severities?: Severity[];
  userId?: string;
  agentId?: string;
  limit: number;
  cursor?: string | null;
}

const evidenceIds = (alert: Alert) => ({
  userIds: alert.evidence.flatMap((e) => (e.type === 'user' ? [e.userId] : [])),
  agentIds: alert.evidence.flatMap((e) => (e.type === 'agent' ? [e.agentId] : [])),
});

/** Rows per query of the whole-window reads (eventsSince, alertsSince). */
const RUNTIME_PAGE = 5000;

/** Alerts, the incidents that group them, and the protection events behind them. */
/** Unresolved alerts per agent by severity (`low` counts low and informational): every one, not only high. */
export type OpenHighAlertCounts = Map<string, { high: number; critical: number; medium: number; low: number }>;

export class IncidentRepository {
  constructor(private readonly db: Sql) {}

  async saveIncidents(incidents: Incident[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < incidents.length; i += 500) {
      const rows = incidents.slice(i, i + 500).map((inc) => ({
        id: inc.id,
        severity_rank: severityRank(inc.severity),
        status: inc.status,
        assigned_to: inc.assignedTo,
        last_activity_at: inc.lastActivityAt,
        user_ids: inc.entities.users.map((u) => u.userId),
        agent_ids: inc.entities.agents.map((a) => a.agentId),
        data: inc,
      }));
      await q.query(
        `insert into incidents (id, severity_rank, status, assigned_to, last_activity_at, user_ids, agent_ids, data)
         select r->>'id', (r->>'severity_rank')::int, r->>'status', r->>'assigned_to', (r->>'last_activity_at')::timestamptz,
                array(select jsonb_array_elements_text(r->'user_ids')), array(select jsonb_array_elements_text(r->'agent_ids')),
                r->'data'
         from jsonb_array_elements($1::jsonb) r
         on conflict (id) do update set severity_rank = excluded.severity_rank, status = excluded.status,
           assigned_to = excluded.assigned_to, last_activity_at = excluded.last_activity_at,
           user_ids = excluded.user_ids, agent_ids = excluded.agent_ids, data = excluded.data`,
        [JSON.stringify(rows)],
      );
    }
  }

  async saveAlerts(alerts: Alert[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < alerts.length; i += 500) {
      const rows = alerts.slice(i, i + 500).map((a) => ({
        id: a.id,
        incident_id: a.incidentId,
        dedup_key: a.dedupKey,
        status: a.status,
        severity_rank: severityRank(a.severity),
        last_activity_at: a.lastActivityAt,
        user_ids: evidenceIds(a).userIds,
        agent_ids: evidenceIds(a).agentIds,
        data: a,
      }));
      await q.query(
        `insert into alerts (id, incident_id, dedup_key, status, severity_rank, last_activity_at, user_ids, agent_ids, data)
         select r->>'id', r->>'incident_id', r->>'dedup_key', r->>'status', (r->>'severity_rank')::int,
                (r->>'last_activity_at')::timestamptz, array(select jsonb_array_elements_text(r->'user_ids')),
                array(select jsonb_array_elements_text(r->'agent_ids')), r->'data'
         from jsonb_array_elements($1::jsonb) r
         on conflict (id) do update set incident_id = excluded.incident_id, status = excluded.status,
           severity_rank = excluded.severity_rank, last_activity_at = excluded.last_activity_at,
           user_ids = excluded.user_ids, agent_ids = excluded.agent_ids, data = excluded.data`,
        [JSON.stringify(rows)],
      );
    }
  }

  async saveEvents(events: ProtectionEvent[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) {
      await q.query(
        `insert into events (id, occurred_at, user_id, agent_id, tool_id, decision, data)
         select r->>'id', (r->>'occurredAt')::timestamptz, r->>'userId', r->>'agentId', r->>'toolId', r->>'decision', r
         from jsonb_array_elements($1::jsonb) r on conflict (id) do nothing`,
        [JSON.stringify(events.slice(i, i + 1000))],
      );
    }
  }

  async linkEvents(links: { alertId: string; eventId: string }[], q: Sql = this.db): Promise<void> {
    if (links.length === 0) return;
    await q.query(
      `insert into alert_events (alert_id, event_id)
       select r->>'alertId', r->>'eventId' from jsonb_array_elements($1::jsonb) r on conflict do nothing`,
      [JSON.stringify(links)],
    );
  }

  /**
   * Sets the event counts of these incidents and their alerts to the distinct events linked to them, so an
   * event that fired two rules counts once and the counts match the incident's timeline.
   */
  async recountEvents(incidentIds: string[], q: Sql = this.db): Promise<void> {
    if (incidentIds.length === 0) return;
    await q.query(
      `update alerts a set data = jsonb_set(a.data, '{eventCount}', to_jsonb(c.n))
       from (select ae.alert_id, count(*)::int as n from alert_events ae join alerts x on x.id = ae.alert_id
             where x.incident_id = any($1::text[]) group by ae.alert_id) c
       where a.id = c.alert_id and (a.data->>'eventCount')::int is distinct from c.n`,
      [incidentIds],
    );
    await q.query(
      `update incidents i set data = jsonb_set(i.data, '{eventCount}', to_jsonb(c.n))
       from (select a.incident_id, count(distinct ae.event_id)::int as n from alerts a
             join alert_events ae on ae.alert_id = a.id where a.incident_id = any($1::text[]) group by a.incident_id) c
       where i.id = c.incident_id and (i.data->>'eventCount')::int is distinct from c.n`,
      [incidentIds],
    );
  }

  /** Which of these incident ids are stored. */
  async existingIds(ids: string[], q: Sql = this.db): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await q.query<{ id: string }>('select id from incidents where id = any($1)', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async getIncident(id: string, q: Sql = this.db): Promise<Incident | null> {
    const rows = await q.query<{ data: Incident }>('select data from incidents where id = $1', [id]);
    return rows[0]?.data ?? null;
  }

  async getIncidentForUpdate(tx: Sql, id: string): Promise<Incident | null> {
    const rows = await tx.query<{ data: Incident }>('select data from incidents where id = $1 for update', [id]);
    return rows[0]?.data ?? null;
  }

  async alertsOfIncident(incidentId: string, q: Sql = this.db): Promise<Alert[]> {
    const rows = await q.query<{ data: Alert }>(
      'select data from alerts where incident_id = $1 order by last_activity_at desc, id',
      [incidentId],
    );
    return rows.map((r) => r.data);
  }

  async timeline(incidentId: string, q: Sql = this.db): Promise<ProtectionEvent[]> {
    const rows = await q.query<{ data: ProtectionEvent }>(
      `select distinct on (e.occurred_at, e.id) e.data from events e
       join alert_events ae on ae.event_id = e.id join alerts a on a.id = ae.alert_id
       where a.incident_id = $1 order by e.occurred_at, e.id`,
      [incidentId],
    );
    return rows.map((r) => r.data);
  }

  /**
   * Protection events since `since`, newest first, at most `limit`, read a page at a time (one large result can
   * exhaust PGlite's heap): the hunting tables' BehaviorInfo.
   */
  eventsSince(since: string, limit: number, q: Sql = this.db): Promise<ProtectionEvent[]> {
    return this.recentRows<ProtectionEvent>(q, 'events', 'occurred_at', since, limit);
  }

  /** Alerts active since `since`, most recent activity first, at most `limit`, a page at a time. */
  alertsSince(since: string, limit: number, q: Sql = this.db): Promise<Alert[]> {
    return this.recentRows<Alert>(q, 'alerts', 'last_activity_at', since, limit);
  }

  /** Rows of `table` whose `timeColumn` is at or after `since`, newest first (keyset pages by time and id). */
  private async recentRows<T>(
    q: Sql,
    table: 'events' | 'alerts',
    timeColumn: 'occurred_at' | 'last_activity_at',
    since: string,
    limit: number,
  ): Promise<T[]> {
    const out: T[] = [];
    let before = { at: 'infinity', id: '' };
    while (out.length < limit) {
      const page = Math.min(RUNTIME_PAGE, limit - out.length);
      const rows = await q.query<{ data: T; at: string; id: string }>(
        `select data, ${timeColumn}::text as at, id from ${table}
         where ${timeColumn} >= $1::timestamptz and (${timeColumn}, id) < ($2::timestamptz, $3)
         order by ${timeColumn} desc, id desc limit $4`,
        [since, before.at, before.id, page],
      );
      for (const r of rows) out.push(r.data);
      const last = rows[rows.length - 1];
      if (!last || rows.length < page) break;
      before = { at: last.at, id: last.id };
    }
    return out;
  }

  async alertsOfAgent(agentId: string, q: Sql = this.db): Promise<Alert[]> {
    const rows = await q.query<{ data: Alert }>(
      'select data from alerts where agent_ids @> array[$1]::text[] order by last_activity_at desc, id',
      [agentId],
    );
    return rows.map((r) => r.data);
  }

  /**
   * Open alerts whose evidence names an agent, counted per agent and severity, for agent risk; only the named agents
   * when `agentIds` is given (a batch of the reassessment reads the alerts of its own agents, not of every agent).
   */
  async openHighAlertCounts(q: Sql = this.db, agentIds?: string[]): Promise<OpenHighAlertCounts> {
    const only = agentIds ? 'and agent_ids && $4::text[] and agent_id = any($4::text[])' : '';
    const rows = await q.query<{ agent_id: string; high: number; critical: number; medium: number; low: number }>(
      `select agent_id, count(*) filter (where severity_rank = $1)::int as high,
              count(*) filter (where severity_rank = $2)::int as critical,
              count(*) filter (where severity_rank = $3)::int as medium,
              count(*) filter (where severity_rank < $3)::int as low
       from alerts, unnest(agent_ids) as agent_id
       where status <> 'resolved' ${only} group by agent_id`,
      [
        SEVERITIES.indexOf('high'),
        SEVERITIES.indexOf('critical'),
        SEVERITIES.indexOf('medium'),
        ...(agentIds ? [agentIds] : []),
      ],
    );
    return new Map(rows.map((r) => [r.agent_id, { high: r.high, critical: r.critical, medium: r.medium, low: r.low }]));
  }

  async openAlertByDedupKey(tx: Sql, dedupKey: string): Promise<Alert | null> {
    const rows = await tx.query<{ data: Alert }>(
      "select data from alerts where dedup_key = $1 and status <> 'resolved' order by last_activity_at desc limit 1 for update",
      [dedupKey],
    );
    return rows[0]?.data ?? null;
  }

  /** The open incident that already involves this user or agent, active since `since`. */
  async openIncidentFor(
    tx: Sql,
    userId: string | null,
    agentId: string | null,
    since: string,
  ): Promise<Incident | null> {
    const rows = await tx.query<{ data: Incident }>(
      `select data from incidents
       where status <> 'resolved' and last_activity_at >= $3::timestamptz
         and (($1::text is not null and user_ids @> array[$1::text]) or ($2::text is not null and agent_ids @> array[$2::text]))
       order by last_activity_at desc limit 1 for update`,
      [userId, agentId, since],
    );
    return rows[0]?.data ?? null;
  }

  async incidentsOfAgent(agentId: string, q: Sql = this.db): Promise<Incident[]> {
    const rows = await q.query<{ data: Incident }>(
      'select data from incidents where agent_ids @> array[$1]::text[] order by last_activity_at desc limit 50',
      [agentId],
    );
    return rows.map((r) => r.data);
  }

  async recentEvents(
    q: Sql,
    filter: { userId: string; agentId?: string; toolId?: string; since: string },
  ): Promise<ProtectionEvent[]> {
    const rows = await q.query<{ data: ProtectionEvent }>(
      `select data from events where user_id = $1 and occurred_at >= $2::timestamptz
         and ($3::text is null or agent_id = $3) and ($4::text is null or tool_id = $4)
       order by occurred_at desc limit 500`,
      [filter.userId, filter.since, filter.agentId ?? null, filter.toolId ?? null],
    );
    return rows.map((r) => r.data);
  }

  /** Unresolved incidents at least as severe as `minSeverity`, most severe then most recent first. */
  async openAtLeast(minSeverity: Severity, limit: number, q: Sql = this.db): Promise<Incident[]> {
    const rows = await q.query<{ data: Incident }>(
      `select data from incidents where status <> 'resolved' and severity_rank >= $1
       order by severity_rank desc, last_activity_at desc, id limit $2`,
      [severityRank(minSeverity), limit],
    );
    return rows.map((r) => r.data);
  }

  /** How many unresolved incidents are at least as severe as `minSeverity`. */
  async countOpenAtLeast(minSeverity: Severity, q: Sql = this.db): Promise<number> {
    const rows = await q.query<{ n: number }>(
      `select count(*)::int as n from incidents where status <> 'resolved' and severity_rank >= $1`,
      [severityRank(minSeverity)],
    );
    return rows[0]?.n ?? 0;
  }

  /** Unresolved incidents counted by severity (severities without any are left out). */
  async countOpenBySeverity(q: Sql = this.db): Promise<Partial<Record<Severity, number>>> {
    const rows = await q.query<{ rank: number; n: number }>(
      `select severity_rank as rank, count(*)::int as n from incidents where status <> 'resolved' group by severity_rank`,
    );
    const bySeverity: Partial<Record<Severity, number>> = {};
    for (const r of rows) {
      const severity = SEVERITIES[r.rank];
      if (severity) bySeverity[severity] = r.n;
    }
    return bySeverity;
  }

  /** How many unresolved incidents involve the agent. */
  async countOpenOfAgent(agentId: string, q: Sql = this.db): Promise<number> {
    const rows = await q.query<{ n: number }>(
      `select count(*)::int as n from incidents where status <> 'resolved' and agent_ids @> array[$1]::text[]`,
      [agentId],
    );
    return rows[0]?.n ?? 0;
  }

  async listIncidents(
    filter: IncidentListFilter,
    q: Sql = this.db,
  ): Promise<{ items: Incident[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (filter.statuses?.length) where.push(`status = any(${p(filter.statuses)})`);
    if (filter.severities?.length) where.push(`severity_rank = any(${p(filter.severities.map(severityRank))})`);
    if (filter.userId) where.push(`user_ids @> array[${p(filter.userId)}]::text[]`);
    if (filter.agentId) where.push(`agent_ids @> array[${p(filter.agentId)}]::text[]`);
    const after = decodeCursor(filter.cursor, 'timestamp');
    if (after) where.push(`(last_activity_at, id) < (${p(after.key)}::timestamptz, ${p(after.id)})`);
    const rows = await q.query<{ data: Incident }>(
      `select data from incidents ${where.length ? `where ${where.join(' and ')}` : ''}
       order by last_activity_at desc, id desc limit ${p(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit).map((r) => r.data);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ key: last.lastActivityAt, id: last.id }) : null,
    };
  }
}
