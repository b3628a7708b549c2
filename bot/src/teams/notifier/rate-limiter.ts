// Teams' limits for a bot (docs/architecture.md, interface 6): per thread 7 writes/1 s, 8/2 s, 60/30 s, 1800/hour, and
// about 50 requests a second per app. Sliding windows per conversation plus a token bucket for the app.
// In memory, per instance: several instances share Teams' budget, which their 429s (honoured) then enforce.

export interface WindowLimit {
  limit: number;
  windowMs: number;
}

export const TEAMS_THREAD_LIMITS: readonly WindowLimit[] = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];

export interface RateLimiterOptions {
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  threadLimits?: readonly WindowLimit[];
  /** Requests per second for the whole app (token bucket refill rate and size). */
  appRatePerSecond?: number;
}

export type AcquireResult = { ok: true } | { ok: false; retryInMs: number };

export class TeamsRateLimiter {
  private readonly writes = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly threadLimits: readonly WindowLimit[];
  private readonly appRate: number;
  private tokens: number;
  private refilledAt: number;

  constructor(private readonly options: RateLimiterOptions) {
    this.threadLimits = options.threadLimits ?? TEAMS_THREAD_LIMITS;
    this.appRate = options.appRatePerSecond ?? 50;
    this.tokens = this.appRate;
    this.refilledAt = options.clock();
  }

  /**
   * Waits (through the injected sleeper) until a write to `conversationId` fits every limit, and takes it.
   * Waits longer than `maxWaitMs` are not slept: the caller gets the time to come back after instead.
   * `conversationId` null: an app-wide request only (a roster read).
   */
  async acquire(conversationId: string | null, maxWaitMs: number): Promise<AcquireResult> {
    for (;;) {
      const now = this.options.clock();
      const wait = Math.max(this.threadWait(conversationId, now), this.appWait(now));
      if (wait <= 0) {
        this.take(conversationId, now);
        return { ok: true };
      }
      if (wait > maxWaitMs) return { ok: false, retryInMs: wait };
      await this.options.sleep(wait);
    }
  }

  /**
   * The write to `conversationId` taken last is over: count it from now. Writes to one conversation go one at a
   * time, so counting from the answer (not the start) keeps Teams' view, which counts arrivals, within limits
   * however long each request took.
   */
  settle(conversationId: string): void {
    const times = this.writes.get(conversationId);
    if (times?.length) times[times.length - 1] = Math.max(times[times.length - 1]!, this.options.clock());
  }

  /** Teams said 429 with Retry-After: nothing goes to that conversation (or, null, anywhere) before then. */
  pause(conversationId: string | null, ms: number): void {
    const key = conversationId ?? '*';
    const until = this.options.clock() + ms;
    this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, until));
  }

  private threadWait(conversationId: string | null, now: number): number {
    let wait = Math.max(0, (this.pausedUntil.get('*') ?? 0) - now);
    if (conversationId === null) return wait;
    wait = Math.max(wait, (this.pausedUntil.get(conversationId) ?? 0) - now);
    const times = this.writes.get(conversationId) ?? [];
    for (const { limit, windowMs } of this.threadLimits) {
      let inWindow = 0;
      for (let i = times.length - 1; i >= 0 && times[i]! > now - windowMs; i--) inWindow++;
      if (inWindow >= limit) wait = Math.max(wait, times[times.length - limit]! + windowMs - now);
    }
    return wait;
  }

  private appWait(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.appRate) * 1000);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.appRate, this.tokens + (elapsed / 1000) * this.appRate);
    this.refilledAt = now;
  }

  private take(conversationId: string | null, now: number): void {
    this.tokens -= 1;
    if (conversationId === null) return;
    const longest = Math.max(...this.threadLimits.map((l) => l.windowMs));
    const times = (this.writes.get(conversationId) ?? []).filter((t) => t > now - longest);
    times.push(now);
    this.writes.set(conversationId, times);
  }
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

/**
 * Exponential back-off with "equal jitter" (half fixed, half random) for the n-th attempt (1-based), never
 * sooner than Teams' Retry-After.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, o: BackoffOptions): number {
  const exp = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + o.random() * (exp / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}
