import type { RecentToolCall } from './policy-engine.js';

export interface RecentCallWindowOptions {
  /** Calls older than this are forgotten. */
  windowMs: number;
  /** At most this many calls are kept per user (the oldest go first). */
  maxPerUser: number;
}

/**
 * The tool calls of the last few minutes, per user, for the policy's burst rule. Kept in memory so a
 * decision does not query the events table; seeded from it at start so a restart does not reset a burst.
 */
export class RecentCallWindow {
  private readonly byUser = new Map<string, RecentToolCall[]>();
  private sweeps = 0;

  constructor(private readonly options: RecentCallWindowOptions) {}

  /** The user's calls within the window, oldest first. */
  of(userId: string | null, now: Date): readonly RecentToolCall[] {
    if (!userId) return [];
    const calls = this.byUser.get(userId);
    if (!calls) return [];
    this.prune(userId, calls, now.getTime());
    return calls;
  }

  add(call: RecentToolCall): void {
    if (!call.userId) return;
    let calls = this.byUser.get(call.userId);
    if (!calls) {
      calls = [];
      this.byUser.set(call.userId, calls);
    }
    calls.push(call);
    if (calls.length > this.options.maxPerUser) calls.splice(0, calls.length - this.options.maxPerUser);
    // Users who stopped calling are dropped now and then, so the map does not grow without bound.
    if (++this.sweeps % 1024 === 0) this.sweep(Date.parse(call.at));
  }

  get userCount(): number {
    return this.byUser.size;
  }

  private prune(userId: string, calls: RecentToolCall[], now: number): void {
    const cutoff = now - this.options.windowMs;
    let drop = 0;
    while (drop < calls.length && Date.parse(calls[drop]!.at) < cutoff) drop++;
    if (drop > 0) calls.splice(0, drop);
    if (calls.length === 0) this.byUser.delete(userId);
  }

  private sweep(now: number): void {
    for (const [userId, calls] of this.byUser) this.prune(userId, calls, now);
  }
}
