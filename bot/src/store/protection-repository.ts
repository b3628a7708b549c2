import type { ProtectionEvent } from '../domain/types.js';
import type { Page } from '../domain/views.js';
import type { Sql } from './db.js';
import { decodeCursor, encodeCursor } from './cursor.js';

// The protection room's SQL (the threat-detection webhook): its decisions' events, the calls the burst
// rule counts, the persistent-jailbreak windows shared by several instances, and the outbox marker
// its registry cache polls. The logic stays in bot/src/protection/; only the statements live here.

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

/** A stored tool call, as the burst rule counts it. */
export interface StoredToolCall {
  at: string;
  userId: string;
  agentId: string;
  toolId: string;
}

export class ProtectionEventRepository {
  constructor(private readonly db: Sql) {}

  /**
   * Ordinary decisions (no alerts): their events in one statement, atomic on its own, with the
   * change-version bump for the tab; an event already stored (same id) is kept as it is.
   */
  async saveDecisionEvents(events: ProtectionEvent[]): Promise<void> {
    await this.db.query(
      `with saved as (
         insert into events (id, occurred_at, user_id, agent_id, tool_id, decision, data)
         select r->>'id', (r->>'occurredAt')::timestamptz, r->>'userId', r->>'agentId', r->>'toolId', r->>'decision', r
         from jsonb_array_elements($1::jsonb) r on conflict (id) do nothing returning 1)
       select nextval('change_seq'), (select count(*) from saved) as n`,
      [JSON.stringify(events)],
    );
  }

  /** Links events to alerts' timelines; only events that exist (an earlier failed batch must not fail this one). */
  async linkAlertEvents(links: { alertId: string; eventId: string }[], q: Sql = this.db): Promise<void> {
    if (links.length === 0) return;
    await q.query(
      `insert into alert_events (alert_id, event_id)
       select l->>'alertId', e.id from jsonb_array_elements($1::jsonb) l join events e on e.id = l->>'eventId'
       on conflict do nothing`,
      [JSON.stringify(links)],
    );
  }

  /** `GET /api/v1/events`: filtered, newest first, a page at a time (cursor on occurred_at and id). */
  async list(f: EventFilter): Promise<Page<ProtectionEvent>> {
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
    const rows = await this.db.query<{ id: string; occurred_at: Date | string; data: ProtectionEvent }>(
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

  /** One user's committed calls to one tool after `since`, the newest `limit`, oldest first. */
  async callsToTool(userId: string, toolId: string, since: string, limit: number): Promise<StoredToolCall[]> {
    const rows = await this.db.query<{ at: Date | string; agent_id: string }>(
      `select occurred_at as at, agent_id from events
       where user_id = $1 and tool_id = $2 and occurred_at > $3::timestamptz and agent_id is not null
       order by occurred_at desc limit $4`,
      [userId, toolId, since, limit],
    );
    return rows.reverse().map((r) => ({ at: new Date(r.at).toISOString(), userId, agentId: r.agent_id, toolId }));
  }

  /** Every user's stored calls at or after `since`, the newest `limit`, oldest first. */
  async recentCalls(since: string, limit: number): Promise<StoredToolCall[]> {
    const rows = await this.db.query<{ at: Date | string; user_id: string; agent_id: string; tool_id: string }>(
      `select occurred_at as at, user_id, agent_id, tool_id from events
       where occurred_at >= $1::timestamptz and user_id is not null
         and agent_id is not null and tool_id is not null
       order by occurred_at desc limit $2`,
      [since, limit],
    );
    return rows
      .reverse()
      .map((r) => ({ at: new Date(r.at).toISOString(), userId: r.user_id, agentId: r.agent_id, toolId: r.tool_id }));
  }

  /** The sequence number of the newest outbox message on one of `topics`, 0 when there is none. */
  async lastOutboxSeq(topics: readonly string[]): Promise<number> {
    const rows = await this.db.query<{ seq: string | number }>(
      'select seq from outbox where topic = any($1::text[]) order by seq desc limit 1',
      [topics],
    );
    return rows[0] ? Number(rows[0].seq) : 0;
  }

  /** The outbox messages on one of `topics` after `afterSeq`, oldest first, at most `limit`. */
  async outboxSince(
    afterSeq: number,
    topics: readonly string[],
    limit: number,
  ): Promise<{ seq: number; topic: string; subjectId: string }[]> {
    const rows = await this.db.query<{ seq: string | number; topic: string; subject_id: string }>(
      'select seq, topic, subject_id from outbox where seq > $1 and topic = any($2::text[]) order by seq limit $3',
      [afterSeq, topics, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), topic: r.topic, subjectId: r.subject_id }));
  }
}

/** An open (raised) persistent-jailbreak window of one user and agent. */
export interface JailbreakWindowRow {
  windowStart: Date;
  flagged: number;
}

/**
 * The tables behind the shared persistent-jailbreak windows (protection/persistent-jailbreak-shared.ts):
 * `jailbreak_flags`, one row per flagged prompt, and `jailbreak_windows`, one row per (user, agent)
 * with the last raised window.
 */
export class JailbreakWindowRepository {
  constructor(private readonly db: Sql) {}

  async addFlag(userId: string, agentId: string, at: Date, eventId: string): Promise<void> {
    await this.db.query(
      `insert into jailbreak_flags (user_id, agent_id, at, event_id) values ($1, $2, $3::timestamptz, $4)
       on conflict do nothing`,
      [userId, agentId, at.toISOString(), eventId],
    );
  }

  /** When a raised window is open at `at`, counts one more prompt in it and returns it. */
  async growOpenWindow(userId: string, agentId: string, at: Date): Promise<JailbreakWindowRow | null> {
    const [row] = await this.db.query<{ window_start: Date | string; flagged: number }>(
      `update jailbreak_windows set flagged = flagged + 1
       where user_id = $1 and agent_id = $2 and window_end > $3::timestamptz
       returning window_start, flagged`,
      [userId, agentId, at.toISOString()],
    );
    return row ? { windowStart: new Date(row.window_start), flagged: Number(row.flagged) } : null;
  }

  /**
   * The flagged prompts after `since` that came after the pair's last raised window: how many, and
   * the first one's time. No upper bound on `at` (another instance's clock may be a little ahead).
   */
  async flaggedRun(userId: string, agentId: string, since: Date): Promise<{ count: number; first: Date | null }> {
    const [run] = await this.db.query<{ n: string | number; first: Date | string | null }>(
      `select count(*) as n, min(f.at) as first from jailbreak_flags f
       left join jailbreak_windows w on w.user_id = f.user_id and w.agent_id = f.agent_id
       where f.user_id = $1 and f.agent_id = $2 and f.at > $3::timestamptz
         and (w.window_end is null or f.at >= w.window_end)`,
      [userId, agentId, since.toISOString()],
    );
    return { count: Number(run?.n ?? 0), first: run?.first ? new Date(run.first) : null };
  }

  /**
   * Claims a window with one conditional upsert: it succeeds (true) only when the pair has no window
   * still open at `at`, so exactly one instance claims it whatever the interleaving.
   */
  async claimWindow(
    userId: string,
    agentId: string,
    window: { start: Date; end: Date; flagged: number },
    at: Date,
  ): Promise<boolean> {
    const claimed = await this.db.query<{ window_start: Date | string }>(
      `insert into jailbreak_windows as w (user_id, agent_id, window_start, window_end, flagged)
       values ($1, $2, $3::timestamptz, $4::timestamptz, $5)
       on conflict (user_id, agent_id) do update
         set window_start = excluded.window_start, window_end = excluded.window_end, flagged = excluded.flagged
         where w.window_end <= $6::timestamptz
       returning w.window_start`,
      [userId, agentId, window.start.toISOString(), window.end.toISOString(), window.flagged, at.toISOString()],
    );
    return claimed.length > 0;
  }

  /** The events of the pair's flagged prompts at or after `since`: the latest `limit`, oldest first. */
  async flaggedEventIds(userId: string, agentId: string, since: Date, limit: number): Promise<string[]> {
    const events = await this.db.query<{ event_id: string }>(
      `select event_id from (
         select event_id, at from jailbreak_flags
         where user_id = $1 and agent_id = $2 and at >= $3::timestamptz
         order by at desc limit $4) recent
       order by at`,
      [userId, agentId, since.toISOString(), limit],
    );
    return events.map((e) => e.event_id);
  }

  /** Forgets prompts and windows that ended before `before`. */
  async sweep(before: Date): Promise<void> {
    await this.db.query('delete from jailbreak_flags where at < $1::timestamptz', [before.toISOString()]);
    await this.db.query('delete from jailbreak_windows where window_end < $1::timestamptz', [before.toISOString()]);
  }
}
