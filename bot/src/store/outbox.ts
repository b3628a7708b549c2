import type { Sql } from './db.js';

export type OutboxTopic = 'incident.changed' | 'submission.changed' | 'agent.changed' | 'maker.notify' | 'user.changed';

export interface OutboxMessage {
  seq: number;
  topic: OutboxTopic;
  subjectId: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Announces a change; always called in the transaction that made it, so none is lost or invented. */
export async function enqueueOutbox(
  tx: Sql,
  topic: OutboxTopic,
  subjectId: string,
  payload: Record<string, unknown> = {},
): Promise<void> {
  await tx.query('insert into outbox (topic, subject_id, payload) values ($1, $2, $3)', [
    topic,
    subjectId,
    JSON.stringify(payload),
  ]);
  await tx.query("select nextval('change_seq')");
}

export class Outbox {
  constructor(private readonly db: Sql) {}

  /**
   * Leases up to `limit` due messages to `worker` for `leaseMs`. SKIP LOCKED lets several server
   * instances claim side by side; an expired lease (a crashed worker) makes a message claimable again.
   */
  async claim(worker: string, limit: number, leaseMs: number, topics?: OutboxTopic[]): Promise<OutboxMessage[]> {
    const rows = await this.db.query<{
      seq: number;
      topic: OutboxTopic;
      subject_id: string;
      payload: Record<string, unknown>;
      attempts: number;
    }>(
      `update outbox set claimed_by = $1, claimed_until = now() + ($2::int * interval '1 millisecond'), attempts = attempts + 1
       where seq in (
         select seq from outbox
         where done_at is null and available_at <= now() and (claimed_until is null or claimed_until < now())
           and ($4::text[] is null or topic = any($4::text[]))
         order by seq limit $3
         for update skip locked)
       returning seq, topic, subject_id, payload, attempts`,
      [worker, leaseMs, limit, topics ?? null],
    );
    return rows
      .map((r) => ({
        seq: Number(r.seq),
        topic: r.topic,
        subjectId: r.subject_id,
        payload: r.payload,
        attempts: r.attempts,
      }))
      .sort((a, b) => a.seq - b.seq);
  }

  async complete(seq: number, q: Sql = this.db): Promise<void> {
    await q.query('update outbox set done_at = now(), claimed_by = null, claimed_until = null where seq = $1', [seq]);
  }

  async retryLater(seq: number, delayMs: number, error: string): Promise<void> {
    await this.db.query(
      `update outbox set available_at = now() + ($2::int * interval '1 millisecond'), claimed_by = null,
              claimed_until = null, last_error = $3 where seq = $1`,
      [seq, Math.round(delayMs), error.slice(0, 2000)],
    );
  }

  async backlog(): Promise<number> {
    const rows = await this.db.query<{ n: number }>('select count(*)::int as n from outbox where done_at is null');
    return rows[0]?.n ?? 0;
  }
}

/** Grows with every change the tab might show. A fresh sequence reads 0, so the first change moves it to 1. */
export async function changeVersion(q: Sql): Promise<number> {
  const rows = await q.query<{ v: number }>(
    'select case when is_called then last_value else 0 end::int as v from change_seq',
  );
  return rows[0]?.v ?? 0;
}

/** Marks a change that has no outbox message (e.g. a medium incident the channel does not get). */
export async function bumpChangeVersion(tx: Sql): Promise<void> {
  await tx.query("select nextval('change_seq')");
}
