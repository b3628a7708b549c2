// Who may hunt, and how often: at least the viewer role (hunting reads what the agent list shows), and at
// most 45 queries a minute per person, as Defender's advanced hunting API allows.
import { DomainError, ForbiddenError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';

export const HUNTS_PER_MINUTE = 45;
const WINDOW_MS = 60_000;

/** 429: the person ran their 45 queries of the last minute; `retryAfterSeconds` says when the next may run. */
export class HuntRateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    why = `at most ${HUNTS_PER_MINUTE} hunting queries a minute`,
  ) {
    super('rate_limited', `${why}; try again in ${retryAfterSeconds} s`, 429);
  }
}

/** Refuses people without a role, then counts the run against the person's last minute. */
export class HuntingAccess {
  // Principal id -> start times of their runs in the last minute, oldest first (at most HUNTS_PER_MINUTE).
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly clock: () => Date,
    private readonly perMinute: number = HUNTS_PER_MINUTE,
  ) {}

  admit(principal: Principal): void {
    if (principal.roles.length === 0) {
      throw new ForbiddenError('hunting needs the viewer, responder or admin role');
    }
    const now = this.clock().getTime();
    const times = (this.recent.get(principal.id) ?? []).filter((t) => t > now - WINDOW_MS);
    if (times.length >= this.perMinute) {
      this.recent.set(principal.id, times);
      throw new HuntRateLimitedError(Math.max(1, Math.ceil(((times[0] as number) + WINDOW_MS - now) / 1000)));
    }
    times.push(now);
    this.recent.set(principal.id, times);
    this.forgetIdle(now);
  }

  /** Keeps the map to people active in the last minute, so it cannot grow without bound. */
  private forgetIdle(now: number): void {
    if (this.recent.size < 10_000) return;
    for (const [id, times] of this.recent) {
      if ((times.at(-1) ?? 0) <= now - WINDOW_MS) this.recent.delete(id);
    }
  }
}
