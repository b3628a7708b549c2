import type { ProtectionEvent } from '../domain/types.js';
import type { Page } from '../domain/views.js';
import type { Sql } from '../store/db.js';
import { decodeCursor, encodeCursor } from '../store/cursor.js';

/** The SOC's "why was this blocked?" lookup over the webhook's stored decisions, newest first. */
export interface EventFilter {
  correlationId?: string;
  userId?: string;
  agentId?: string;
  decision?: 'allow' | 'block';
  /** ISO times: occurred at or after `from`, before `to`. */
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export async function listProtectionEvents(db: Sql, f: EventFilter): Promise<Page<ProtectionEvent>> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.correlationId) add((p) => `data->>'correlationId' = ${p}`, f.correlationId);
  if (f.userId) add((p) => `user_id = ${p}`, f.userId);
  if (f.agentId) add((p) => `agent_id = ${p}`, f.agentId);
  if (f.decision) add((p) => `decision = ${p}`, f.decision);
  if (f.from) add((p) => `occurred_at >= ${p}::timestamptz`, f.from);
  if (f.to) add((p) => `occurred_at < ${p}::timestamptz`, f.to);
  const after = decodeCursor(f.cursor, 'timestamp');
  if (after) {
    params.push(after.key, after.id);
    where.push(`(occurred_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  params.push(f.limit + 1);
  const rows = await db.query<{ id: string; occurred_at: Date | string; data: ProtectionEvent }>(
    `select id, occurred_at, data from events ${where.length ? `where ${where.join(' and ')}` : ''}
     order by occurred_at desc, id desc limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => r.data),
    nextCursor:
      rows.length > f.limit && last
        ? encodeCursor({ key: new Date(last.occurred_at).toISOString(), id: last.id })
        : null,
  };
}
