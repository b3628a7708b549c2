import type { Submission, SubmissionStatus } from '../domain/types.js';
import type { Sql } from './db.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export class SubmissionRepository {
  constructor(private readonly db: Sql) {}

  async save(submissions: Submission[], q: Sql = this.db): Promise<void> {
    if (submissions.length === 0) return;
    await q.query(
      `insert into submissions (id, agent_id, status, submitted_at, data)
       select r->>'id', r->>'agentId', r->>'status', (r->>'submittedAt')::timestamptz, r from jsonb_array_elements($1::jsonb) r
       on conflict (id) do update set status = excluded.status, data = excluded.data`,
      [JSON.stringify(submissions)],
    );
  }

  async get(id: string, q: Sql = this.db): Promise<Submission | null> {
    const rows = await q.query<{ data: Submission }>('select data from submissions where id = $1', [id]);
    return rows[0]?.data ?? null;
  }

  async getForUpdate(tx: Sql, id: string): Promise<Submission | null> {
    const rows = await tx.query<{ data: Submission }>('select data from submissions where id = $1 for update', [id]);
    return rows[0]?.data ?? null;
  }

  async pendingForAgent(agentId: string, q: Sql = this.db): Promise<Submission | null> {
    const rows = await q.query<{ data: Submission }>(
      "select data from submissions where agent_id = $1 and status = 'pending' order by submitted_at desc limit 1",
      [agentId],
    );
    return rows[0]?.data ?? null;
  }

  /**
   * Pending requests submitted at or before `submittedBefore`, oldest first, at most `limit`, locked for the
   * caller's transaction. Rows another transaction holds (an approval in progress, another instance's sweep)
   * are skipped, so two instances sweep side by side without waiting for or repeating each other.
   */
  async overduePendingForUpdate(tx: Sql, submittedBefore: string, limit: number): Promise<Submission[]> {
    const rows = await tx.query<{ data: Submission }>(
      `select data from submissions where status = 'pending' and submitted_at <= $1::timestamptz
       order by submitted_at, id limit $2 for update skip locked`,
      [submittedBefore, limit],
    );
    return rows.map((r) => r.data);
  }

  async list(
    filter: { status?: SubmissionStatus; limit: number; cursor?: string | null },
    q: Sql = this.db,
  ): Promise<{ items: Submission[]; nextCursor: string | null }> {
    const after = decodeCursor(filter.cursor, 'timestamp');
    const rows = await q.query<{ data: Submission }>(
      `select data from submissions where ($1::text is null or status = $1)
         and ($2::timestamptz is null or (submitted_at, id) < ($2::timestamptz, $3))
       order by submitted_at desc, id desc limit $4`,
      [filter.status ?? null, after?.key ?? null, after?.id ?? null, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit).map((r) => r.data);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ key: last.submittedAt, id: last.id }) : null,
    };
  }
}
