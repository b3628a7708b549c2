import type { Sql } from '../store/db.js';
import type { PersistentJailbreakOptions } from './persistent-jailbreak.js';

/**
 * Persistent-jailbreak windows held in the database, for several instances on one PostgreSQL: the
 * same rule as `PersistentJailbreakTracker` (K flagged prompts from one user to one agent within W
 * minutes raise ONE alert for that window), but a user whose prompts alternate between instances is
 * counted as one.
 *
 * Each flagged prompt is inserted into `jailbreak_flags`; the instance that sees K of them since the
 * last raised window claims the window with one conditional upsert on `jailbreak_windows` (it
 * succeeds only when the pair has no window still open), so exactly one instance raises the alert,
 * whatever the interleaving. Only flagged prompts touch the database; the others cost nothing.
 */
export interface SharedJailbreakRecord {
  /** True exactly once per (user, agent, window), on the instance whose claim succeeded. */
  raise: boolean;
  /** The raised window's start, or the start of the flagged run being counted. */
  windowStart: Date;
  /** Flagged prompts counted in that window or run, this one included. */
  count: number;
  /** True when this prompt falls in a window already raised (by this instance or another). */
  inRaisedWindow: boolean;
  /** On a raise: the events of the window's flagged prompts (the latest 50), oldest first. */
  eventIds: string[];
}

const MAX_EVENT_IDS = 50;
const SWEEP_EVERY = 256;

export class SharedJailbreakWindows {
  private readonly minFlagged: number;
  private readonly windowMs: number;
  private flags = 0;

  constructor(
    private readonly db: Sql,
    options: PersistentJailbreakOptions,
  ) {
    this.minFlagged = options.minFlagged;
    this.windowMs = options.windowMinutes * 60_000;
  }

  /** Records one flagged prompt (call only for flagged ones) and says whether it raises. */
  async recordFlagged(userId: string, agentId: string, at: Date, eventId: string): Promise<SharedJailbreakRecord> {
    const t = at.getTime();
    if (++this.flags % SWEEP_EVERY === 0) await this.sweep(at);
    await this.db.query(
      `insert into jailbreak_flags (user_id, agent_id, at, event_id) values ($1, $2, $3::timestamptz, $4)
       on conflict do nothing`,
      [userId, agentId, at.toISOString(), eventId],
    );
    const open = await this.growOpenWindow(userId, agentId, at);
    if (open) return open;

    // No open window: count the flagged prompts within W that came after the last raised window.
    // Another instance's clock may be a little ahead: its prompts count too (no upper bound on `at`).
    const [run] = await this.db.query<{ n: string | number; first: Date | string | null }>(
      `select count(*) as n, min(f.at) as first from jailbreak_flags f
       left join jailbreak_windows w on w.user_id = f.user_id and w.agent_id = f.agent_id
       where f.user_id = $1 and f.agent_id = $2 and f.at > $3::timestamptz
         and (w.window_end is null or f.at >= w.window_end)`,
      [userId, agentId, new Date(t - this.windowMs).toISOString()],
    );
    const count = Number(run?.n ?? 0);
    const first = run?.first ? new Date(run.first) : at;
    if (count < this.minFlagged) {
      return { raise: false, windowStart: first, count, inRaisedWindow: false, eventIds: [] };
    }
    // The claim: only when no window is open for the pair (a concurrent claim re-checks the row it lost to).
    const claimed = await this.db.query<{ window_start: Date | string }>(
      `insert into jailbreak_windows as w (user_id, agent_id, window_start, window_end, flagged)
       values ($1, $2, $3::timestamptz, $4::timestamptz, $5)
       on conflict (user_id, agent_id) do update
         set window_start = excluded.window_start, window_end = excluded.window_end, flagged = excluded.flagged
         where w.window_end <= $6::timestamptz
       returning w.window_start`,
      [
        userId,
        agentId,
        first.toISOString(),
        new Date(first.getTime() + this.windowMs).toISOString(),
        count,
        at.toISOString(),
      ],
    );
    if (claimed.length === 0) {
      // Another instance raised this window a moment ago: this prompt joins it.
      const joined = await this.growOpenWindow(userId, agentId, at);
      if (joined) return joined;
      return { raise: false, windowStart: first, count, inRaisedWindow: false, eventIds: [] };
    }
    const events = await this.db.query<{ event_id: string }>(
      `select event_id from (
         select event_id, at from jailbreak_flags
         where user_id = $1 and agent_id = $2 and at >= $3::timestamptz
         order by at desc limit ${MAX_EVENT_IDS}) recent
       order by at`,
      [userId, agentId, first.toISOString()],
    );
    return { raise: true, windowStart: first, count, inRaisedWindow: true, eventIds: events.map((e) => e.event_id) };
  }

  /** When a raised window is open at `at`, counts this prompt in it. */
  private async growOpenWindow(userId: string, agentId: string, at: Date): Promise<SharedJailbreakRecord | null> {
    const [row] = await this.db.query<{ window_start: Date | string; flagged: number }>(
      `update jailbreak_windows set flagged = flagged + 1
       where user_id = $1 and agent_id = $2 and window_end > $3::timestamptz
       returning window_start, flagged`,
      [userId, agentId, at.toISOString()],
    );
    if (!row) return null;
    return {
      raise: false,
      windowStart: new Date(row.window_start),
      count: Number(row.flagged),
      inRaisedWindow: true,
      eventIds: [],
    };
  }

  /** Forgets prompts and windows that can no longer count, so the tables follow the active pairs. */
  private async sweep(now: Date): Promise<void> {
    const before = new Date(now.getTime() - 2 * this.windowMs).toISOString();
    await this.db.query('delete from jailbreak_flags where at < $1::timestamptz', [before]);
    await this.db.query('delete from jailbreak_windows where window_end < $1::timestamptz', [before]);
  }
}
