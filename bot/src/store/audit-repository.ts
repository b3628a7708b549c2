import { randomUUID } from 'node:crypto';
import { actionsMatching } from '../domain/authorization.js';
import type { AuditRecord } from '../domain/types.js';
import type { Sql } from './db.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface AuditFilter {
  /** Part of the actor's UPN or display name, any case ("adele" finds Adele Vance). */
  actor?: string;
  /** Part of the action's code name, any case ("block" finds blockAgent and bulkBlockAgents). */
  action?: string;
  /** Records at or after this instant (ISO 8601). */
  from?: string;
  /** Records before this instant (ISO 8601). */
  to?: string;
  targetType?: string;
  targetId?: string;
  limit: number;
  cursor?: string | null;
}

/** Append-only: there is no update or delete. */
export class AuditRepository {
  constructor(private readonly db: Sql) {}

  async append(record: Omit<AuditRecord, 'id'>, q: Sql = this.db): Promise<AuditRecord> {
    const full: AuditRecord = { id: randomUUID(), ...record };
    await q.query(
      `insert into audit (id, at, actor, action, target_type, target_id, outcome, data)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [full.id, full.at, full.actor, full.action, full.targetType, full.targetId, full.outcome, JSON.stringify(full)],
    );
    return full;
  }

  async list(filter: AuditFilter, q: Sql = this.db): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (filter.actor) {
      const pattern = p(containsPattern(filter.actor));
      where.push(`(actor ilike ${pattern} escape '\\' or data->>'actorName' ilike ${pattern} escape '\\')`);
    }
    if (filter.action) {
      // By its readable name from the start of a word ("Block agent", "block", "agent"), or by the start of its
      // code name in any case ("blockagent", "revokeUser"); "block" does not find unblockAgent.
      const byName = p(actionsMatching(filter.action));
      const byCode = p(`${escapeLike(filter.action.trim().replace(/\s+/g, ''))}%`);
      where.push(`(action = any(${byName}::text[]) or action ilike ${byCode} escape '\\')`);
    }
    if (filter.from) where.push(`at >= ${p(filter.from)}::timestamptz`);
    if (filter.to) where.push(`at < ${p(filter.to)}::timestamptz`);
    if (filter.targetType) where.push(`target_type = ${p(filter.targetType)}`);
    if (filter.targetId) where.push(`target_id = ${p(filter.targetId)}`);
    const after = decodeCursor(filter.cursor, 'integer');
    if (after) where.push(`seq < ${p(after.key)}::bigint`);
    const rows = await q.query<{ seq: number; data: AuditRecord }>(
      `select seq, data from audit ${where.length ? `where ${where.join(' and ')}` : ''}
       order by seq desc limit ${p(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: await this.named(
        page.map((r) => r.data),
        q,
      ),
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ key: Number(last.seq), id: last.data.id }) : null,
    };
  }

  /**
   * The succeeded actions taken on any of `targets` at or after `since`, oldest first (an incident's responses:
   * revoking its users, blocking its agents, assigning and resolving it). Bounded by `limit`.
   */
  async actionsOn(
    targets: { type: AuditRecord['targetType']; id: string }[],
    since: string,
    limit: number,
    q: Sql = this.db,
  ): Promise<AuditRecord[]> {
    if (targets.length === 0) return [];
    const params: unknown[] = [since, limit];
    const clauses = targets.map((t) => {
      params.push(t.type, t.id);
      return `(target_type = $${params.length - 1} and target_id = $${params.length})`;
    });
    const rows = await q.query<{ data: AuditRecord }>(
      `select data from (select seq, data from audit
         where outcome = 'succeeded' and at >= $1::timestamptz and (${clauses.join(' or ')})
         order by seq desc limit $2) newest order by seq`,
      params,
    );
    return rows.map((r) => r.data);
  }

  /**
   * What was done about an incident, oldest first (at most 200): succeeded actions on the incident itself, and
   * on its users and agents at or after `since` (the incident's start).
   */
  async incidentHistory(
    incident: { id: string; userIds: string[]; agentIds: string[]; since: string },
    q: Sql = this.db,
  ): Promise<AuditRecord[]> {
    const rows = await q.query<{ data: AuditRecord }>(
      `select data from audit
       where outcome = 'succeeded' and (
         (target_type = 'incident' and target_id = $1)
         or (target_type = 'user' and target_id = any($2::text[]) and at >= $4::timestamptz)
         or (target_type = 'agent' and target_id = any($3::text[]) and at >= $4::timestamptz))
       order by seq limit 200`,
      [incident.id, incident.userIds, incident.agentIds, incident.since],
    );
    return rows.map((r) => r.data);
  }

  /**
   * Records kept without a readable target name (a refusal or failure records the id) get the name the target has
   * now: an incident's title, an agent's name, a person's display name. One query per kind of target on the page.
   */
  private async named(records: AuditRecord[], q: Sql): Promise<AuditRecord[]> {
    const unnamed = records.filter((r) => !r.targetName || r.targetName === r.targetId);
    if (unnamed.length === 0) return records;
    const names = new Map<string, string>();
    const lookups: [AuditRecord['targetType'], string][] = [
      ['incident', `select id, data->>'title' as name from incidents where id = any($1::text[])`],
      ['agent', `select id, name from agents where id = any($1::text[])`],
      ['user', `select id, data->>'displayName' as name from users where id = any($1::text[])`],
    ];
    for (const [type, sql] of lookups) {
      const ids = [...new Set(unnamed.filter((r) => r.targetType === type).map((r) => r.targetId))];
      if (ids.length === 0) continue;
      for (const row of await q.query<{ id: string; name: string | null }>(sql, [ids])) {
        if (row.name) names.set(`${type}:${row.id}`, row.name);
      }
    }
    return records.map((r) => {
      const name = names.get(`${r.targetType}:${r.targetId}`);
      return name && (!r.targetName || r.targetName === r.targetId) ? { ...r, targetName: name } : r;
    });
  }
}

/** `text` for a LIKE pattern, its own %, _ and backslash taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A LIKE pattern that finds `text` anywhere. */
function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}
