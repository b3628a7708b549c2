import type { Sql } from '../store/db.js';
import { JailbreakWindowRepository } from '../store/protection-repository.js';
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
  private readonly windows: JailbreakWindowRepository;

  constructor(db: Sql, options: PersistentJailbreakOptions) {
    this.windows = new JailbreakWindowRepository(db);
    this.minFlagged = options.minFlagged;
    this.windowMs = options.windowMinutes * 60_000;
  }

  /** Records one flagged prompt (call only for flagged ones) and says whether it raises. */
  async recordFlagged(userId: string, agentId: string, at: Date, eventId: string): Promise<SharedJailbreakRecord> {
    const t = at.getTime();
    if (++this.flags % SWEEP_EVERY === 0) await this.sweep(at);
    await this.windows.addFlag(userId, agentId, at, eventId);
    const open = await this.growOpenWindow(userId, agentId, at);
    if (open) return open;

    // No open window: count the flagged prompts within W that came after the last raised window.
    const run = await this.windows.flaggedRun(userId, agentId, new Date(t - this.windowMs));
    const count = run.count;
    const first = run.first ?? at;
    if (count < this.minFlagged) {
      return { raise: false, windowStart: first, count, inRaisedWindow: false, eventIds: [] };
    }
    // The claim: only when no window is open for the pair (a concurrent claim re-checks the row it lost to).
    const claimed = await this.windows.claimWindow(
      userId,
      agentId,
      { start: first, end: new Date(first.getTime() + this.windowMs), flagged: count },
      at,
    );
    if (!claimed) {
      // Another instance raised this window a moment ago: this prompt joins it.
      const joined = await this.growOpenWindow(userId, agentId, at);
      if (joined) return joined;
      return { raise: false, windowStart: first, count, inRaisedWindow: false, eventIds: [] };
    }
    const eventIds = await this.windows.flaggedEventIds(userId, agentId, first, MAX_EVENT_IDS);
    return { raise: true, windowStart: first, count, inRaisedWindow: true, eventIds };
  }

  /** When a raised window is open at `at`, counts this prompt in it. */
  private async growOpenWindow(userId: string, agentId: string, at: Date): Promise<SharedJailbreakRecord | null> {
    const row = await this.windows.growOpenWindow(userId, agentId, at);
    if (!row) return null;
    return { raise: false, windowStart: row.windowStart, count: row.flagged, inRaisedWindow: true, eventIds: [] };
  }

  /** Forgets prompts and windows that can no longer count, so the tables follow the active pairs. */
  private async sweep(now: Date): Promise<void> {
    await this.windows.sweep(new Date(now.getTime() - 2 * this.windowMs));
  }
}
