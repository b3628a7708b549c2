/**
 * Reassesses agents' stored risk after changes that happen off the inventory's own paths (an alert the webhook
 * raised names the agent), without holding up whoever reported the change: `request` only notes the agent ids;
 * a refresh starts a moment later and takes every agent noted by then, each once however many alerts named it.
 * One refresh runs at a time, so a burst of alerts costs a few refreshes, not one per alert. Bounded: past
 * `maxPending` distinct agents waiting, the next refresh reassesses every agent instead (refreshAll, a batch at a
 * time) and the list is dropped.
 */
export interface RiskRefreshQueueOptions {
  /** Reassesses the named agents (RiskRefresher.refreshAgents). */
  refresh(agentIds: string[]): Promise<void>;
  /** Reassesses every agent (RiskRefresher.refreshAll), when too many are waiting to list them. */
  refreshAll(): Promise<unknown>;
  /** How long after the first request a refresh starts, so that the alerts of one moment share it (default 50 ms). */
  delayMs?: number;
  /** Agents per refresh (default 250, RiskRefresher's batch). */
  maxBatch?: number;
  /** Distinct agents waiting at most before the queue falls back to a refresh of all (default 10,000). */
  maxPending?: number;
  onError?: (err: unknown) => void;
}

export class RiskRefreshQueue {
  private pending = new Set<string>();
  private everything = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly stats = { requested: 0, refreshes: 0, failed: 0 };

  constructor(private readonly options: RiskRefreshQueueOptions) {}

  /** Notes agents whose risk may have changed; returns at once. Ignored after close(). */
  request(agentIds: Iterable<string>): void {
    if (this.closed) return;
    for (const id of agentIds) {
      this.stats.requested += 1;
      if (this.everything) continue;
      this.pending.add(id);
      if (this.pending.size > (this.options.maxPending ?? 10_000)) {
        this.pending.clear();
        this.everything = true;
      }
    }
    this.schedule();
  }

  /** Resolves once every agent requested before the call is reassessed (or its refresh failed and was reported). */
  async flush(): Promise<void> {
    while (this.timer || this.running) {
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
        this.start();
      }
      await this.running;
    }
  }

  /** Stops taking requests and finishes what is waiting. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  snapshot(): { pending: number; requested: number; refreshes: number; failed: number } {
    return { pending: this.everything ? -1 : this.pending.size, ...this.stats };
  }

  private schedule(): void {
    if (this.running || this.timer || (this.pending.size === 0 && !this.everything)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, this.options.delayMs ?? 50);
    this.timer.unref();
  }

  private start(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      this.schedule();
    });
  }

  private async drain(): Promise<void> {
    const max = this.options.maxBatch ?? 250;
    while (this.everything || this.pending.size > 0) {
      let work: () => Promise<unknown>;
      if (this.everything) {
        this.everything = false;
        this.pending.clear();
        work = () => this.options.refreshAll();
      } else {
        const ids = [...this.pending].slice(0, max);
        for (const id of ids) this.pending.delete(id);
        work = () => this.options.refresh(ids);
      }
      try {
        await work();
        this.stats.refreshes += 1;
      } catch (err) {
        this.stats.failed += 1;
        this.options.onError?.(err);
      }
    }
  }
}
