// The approval expiry sweep: every few seconds the running server closes the approval requests nobody decided
// within APPROVAL_EXPIRY_DAYS. Each pass does bounded work (at most `batchSize` requests in one transaction);
// when a pass was full the next one follows at once, otherwise after the interval. Several instances on one
// PostgreSQL sweep side by side: the repository skips rows another transaction holds, and a request is
// expired only while it is still pending, so each is expired (and its maker told) once.

export interface ApprovalExpirySweepOptions {
  /** Expires at most `limit` overdue requests; answers how many. */
  expireOverdue(limit: number): Promise<number>;
  intervalSeconds: number;
  batchSize?: number;
  log?: { info(fields: object, message: string): void; error(fields: object, message: string): void };
}

export class ApprovalExpirySweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  private readonly batchSize: number;

  constructor(private readonly o: ApprovalExpirySweepOptions) {
    this.batchSize = o.batchSize ?? 100;
  }

  /** Sweeps now, then every interval, until stop(). A failed pass is logged and tried again at the next one. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      let full = false;
      this.running = this.runOnce()
        .then((n) => {
          full = n >= this.batchSize;
          if (n > 0) this.o.log?.info({ expired: n }, 'approval requests expired');
        })
        .catch((err: unknown) => this.o.log?.error({ err }, 'approval expiry sweep failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, full ? 0 : this.o.intervalSeconds * 1000);
        });
    };
    tick();
  }

  /** Lets a pass in progress finish, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: expires at most one batch of overdue requests. */
  runOnce(): Promise<number> {
    return this.o.expireOverdue(this.batchSize);
  }
}
