import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../domain/types.js';
import type { Sql } from './db.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface AuditFilter {
  actor?: string;
  action?: string;
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
    if (filter.actor) where.push(`lower(actor) = lower(${p(filter.actor)})`);
    if (filter.action) where.push(`action = ${p(filter.action)}`);
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
      items: page.map((r) => r.data),
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ key: Number(last.seq), id: last.data.id }) : null,
    };
  }
}
