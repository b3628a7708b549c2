import type { Severity } from '../domain/types.js';

/**
 * Persistent jailbreak attempts: K or more flagged messages from one user to one agent within W
 * minutes raise ONE alert for that window, not one per message.
 *
 * A window opens at the first of the K flagged messages that reached the threshold and lasts W
 * minutes; flagged messages inside it only grow its count. Once it has ended, counting starts afresh,
 * so a user who keeps trying raises at most one alert per W minutes.
 *
 * In memory, per process: the webhook keeps one tracker for the server's life. Keys idle for longer
 * than the window are dropped, so memory follows the number of active (user, agent) pairs.
 */

/** Alert metadata for a raise; the category matches the exfiltration rule's so the story's incident keeps one category. */
export const PERSISTENT_JAILBREAK_ALERT = {
  detectorId: 'persistent-jailbreak',
  title: 'Persistent jailbreak attempts against an agent',
  category: 'Collection',
  severity: 'medium' as Severity,
  mitreTechniques: ['T1059', 'T1204'],
} as const;

export interface PersistentJailbreakOptions {
  /** K: flagged messages needed within the window. */
  minFlagged: number;
  /** W: window length in minutes. */
  windowMinutes: number;
}

export interface PersistentJailbreakRecord {
  /** True exactly once per (user, agent, window): for the K-th flagged message. */
  raise: boolean;
  /** The start of the raised window, or of the flagged run being counted (the message time when none). */
  windowStart: Date;
  /** Flagged messages counted in that window or run, including this one when flagged. */
  count: number;
}

interface PairState {
  /** Times (ms) of flagged messages not yet part of a raised window, within W of the latest. */
  pending: number[];
  /** The open raised window, if any. */
  raisedStart: number | null;
  raisedCount: number;
  lastSeen: number;
}

const SWEEP_EVERY = 1_000;

export class PersistentJailbreakTracker {
  private readonly minFlagged: number;
  private readonly windowMs: number;
  private readonly pairs = new Map<string, PairState>();
  private records = 0;

  constructor(options: PersistentJailbreakOptions) {
    if (!Number.isInteger(options.minFlagged) || options.minFlagged < 1) {
      throw new RangeError('minFlagged must be a positive integer');
    }
    if (!(options.windowMinutes > 0)) throw new RangeError('windowMinutes must be positive');
    this.minFlagged = options.minFlagged;
    this.windowMs = options.windowMinutes * 60_000;
  }

  /**
   * Call for every scored user message. Returns a raise exactly once per (user, agent, window): the
   * K-th flagged message within W minutes; later flagged messages inside that window return
   * raise:false with the same windowStart.
   */
  record(userId: string, agentId: string, at: Date, flagged: boolean): PersistentJailbreakRecord {
    const now = at.getTime();
    if (++this.records % SWEEP_EVERY === 0) this.sweep(now);
    const key = `${userId}\u0000${agentId}`;
    let s = this.pairs.get(key);
    if (!s) {
      if (!flagged) return { raise: false, windowStart: at, count: 0 };
      s = { pending: [], raisedStart: null, raisedCount: 0, lastSeen: now };
      this.pairs.set(key, s);
    }
    s.lastSeen = Math.max(s.lastSeen, now);

    if (s.raisedStart !== null) {
      if (now < s.raisedStart + this.windowMs) {
        if (flagged) s.raisedCount++;
        return { raise: false, windowStart: new Date(s.raisedStart), count: s.raisedCount };
      }
      // The raised window is over: what happened inside it has been reported.
      s.raisedStart = null;
      s.raisedCount = 0;
      s.pending = [];
    }

    const from = now - this.windowMs;
    s.pending = s.pending.filter((t) => t > from && t <= now);
    if (flagged) {
      s.pending.push(now);
      s.pending.sort((a, b) => a - b);
    }
    if (flagged && s.pending.length >= this.minFlagged) {
      const start = s.pending[0]!;
      s.raisedStart = start;
      s.raisedCount = s.pending.length;
      s.pending = [];
      return { raise: true, windowStart: new Date(start), count: s.raisedCount };
    }
    const first = s.pending[0];
    return { raise: false, windowStart: new Date(first ?? now), count: s.pending.length };
  }

  /** (user, agent) pairs currently remembered. */
  get size(): number {
    return this.pairs.size;
  }

  private sweep(now: number): void {
    for (const [key, s] of this.pairs) {
      if (now - s.lastSeen > this.windowMs && (s.raisedStart === null || now >= s.raisedStart + this.windowMs)) {
        this.pairs.delete(key);
      }
    }
  }
}
