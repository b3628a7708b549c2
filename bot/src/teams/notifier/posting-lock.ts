// The turn to write to one conversation: one write at a time per conversation in this instance (a lock per
// conversation id, taken in order), then a place within Teams' rate limits (the limiter). Other instances are
// kept apart by the card and notice leases in the store.
import type { TeamsRateLimiter } from './rate-limiter.js';

/** A turn to write; `done()` after Teams answered. Not ok: the limiter's wait would be longer than allowed. */
export type PostingSlot = { ok: true; done: () => void } | { ok: false; retryInMs: number };

export class PostingLock {
  private readonly locks = new Map<string, Promise<void>>();

  constructor(
    readonly limiter: TeamsRateLimiter,
    private readonly maxLimiterWaitMs: number,
  ) {}

  /** Waits for the conversation's lock, then for the limiter; `done()` settles the limiter and unlocks. */
  async slot(conversationId: string): Promise<PostingSlot> {
    const unlock = await this.lock(conversationId);
    const r = await this.limiter.acquire(conversationId, this.maxLimiterWaitMs);
    if (!r.ok) {
      unlock();
      return r;
    }
    return {
      ok: true,
      done: () => {
        this.limiter.settle(conversationId);
        unlock();
      },
    };
  }

  private async lock(key: string): Promise<() => void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    };
  }
}
