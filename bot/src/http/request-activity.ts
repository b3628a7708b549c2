import type { Server } from 'node:http';

/**
 * Whether the server is answering requests right now, for background work that should go between them (the
 * restart's risk reassessment): counts the requests in progress on the HTTP server itself, so every route is seen,
 * the webhook's fast path included.
 */
export class RequestActivity {
  private inFlight = 0;
  private lastActiveAt = 0;

  constructor(server: Server) {
    server.on('request', (_req, res) => {
      this.inFlight += 1;
      this.lastActiveAt = performance.now();
      res.once('close', () => {
        this.inFlight -= 1;
        this.lastActiveAt = performance.now();
      });
    });
  }

  /**
   * Waits at least `atLeastMs`, then until no request has been in progress for `idleMs`, but never more than
   * `atMostMs` in all (background work under steady traffic still moves on); returns at once when `signal` aborts.
   */
  async quiet(options: { atLeastMs: number; idleMs: number; atMostMs: number; signal?: AbortSignal }): Promise<void> {
    const started = performance.now();
    const deadline = started + options.atMostMs;
    let wait = options.atLeastMs;
    while (!options.signal?.aborted) {
      await sleep(Math.max(0, Math.min(wait, deadline - performance.now())), options.signal);
      const now = performance.now();
      if (now >= deadline) return;
      const idleFor = this.inFlight > 0 ? 0 : now - this.lastActiveAt;
      if (idleFor >= options.idleMs) return;
      wait = options.idleMs - idleFor;
    }
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
