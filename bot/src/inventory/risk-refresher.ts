import type { Agent } from '../domain/types.js';
import { assessAgentRisk } from '../domain/risk.js';
import { accountStateLookup } from '../domain/account-state.js';
import type { Sql } from '../store/db.js';
import { bumpChangeVersion } from '../store/outbox.js';
import type { Store } from '../store/store.js';

/**
 * Agents assessed per batch by refreshAll: its memory and each query stay the same size at any tenant size, and a
 * request queued behind a batch (PGlite has one connection) waits for 100 agents at most (about 15 ms on PGlite),
 * not the whole tenant.
 */
const REFRESH_BATCH = 100;

export interface RefreshAllOptions {
  /** Stops between batches once aborted. */
  signal?: AbortSignal;
  /**
   * Background work (the restart's reassessment): awaited before each batch, with how long the
   * previous batch took (0 before the first), to leave the store to requests in between.
   */
  beforeBatch?: (lastBatchMs: number) => Promise<void>;
}

/**
 * Keeps each agent's stored risk (score, level, signals) current, so listing and sorting 100,000
 * agents is one indexed query. Called when an agent or an alert about it changes, and for all
 * agents at start (the `dormant` signal moves with the clock).
 */
export class RiskRefresher {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  /**
   * Reassesses every agent, a batch at a time in id order, each batch in its own transaction with its
   * rows locked (a change made meanwhile is assessed after it, never overwritten by a stale
   * assessment); stops between batches once `signal` aborts.
   */
  async refreshAll({ signal, beforeBatch }: RefreshAllOptions = {}): Promise<number> {
    let refreshed = 0;
    let after = '';
    let lastBatchMs = 0;
    while (!signal?.aborted) {
      if (beforeBatch) {
        await beforeBatch(lastBatchMs);
        if (signal?.aborted) break;
      }
      const started = performance.now();
      const batch = await this.store.db.transaction(async (tx) => {
        const agents = await this.store.agents.pageForUpdate(tx, after, REFRESH_BATCH);
        if (agents.length > 0) await this.assess(agents, this.clock(), tx);
        return agents;
      });
      lastBatchMs = performance.now() - started;
      if (batch.length === 0) break;
      refreshed += batch.length;
      after = batch[batch.length - 1]!.id;
    }
    return refreshed;
  }

  /** Recomputes the named agents inside the caller's transaction. */
  async refresh(q: Sql, agentIds: string[]): Promise<void> {
    const agents = (await Promise.all([...new Set(agentIds)].map((id) => this.store.agents.get(id, q)))).filter(
      (a): a is Agent => a !== null,
    );
    if (agents.length === 0) return;
    await this.assess(agents, this.clock(), q);
  }

  /**
   * Recomputes the named agents in a transaction of its own, for a change that happened elsewhere (an alert the
   * webhook raised): their rows locked in id order first (as refreshAll locks them, so the two never deadlock, and
   * an agent changed meanwhile is assessed after the change), and a change-version bump so the tab shows the new
   * risk. Unknown ids are skipped.
   */
  async refreshAgents(agentIds: string[]): Promise<void> {
    const ids = [...new Set(agentIds)];
    if (ids.length === 0) return;
    await this.store.db.transaction(async (tx) => {
      const agents = await this.store.agents.manyForUpdate(tx, ids);
      if (agents.length === 0) return;
      await this.assess(agents, this.clock(), tx);
      await bumpChangeVersion(tx);
    });
  }

  /** Stores the agents' assessment, read with their users and open alerts through `q` (the caller's transaction). */
  private async assess(agents: Agent[], now: Date, q: Sql): Promise<void> {
    const alerts = await this.store.incidents.openHighAlertCounts(
      q,
      agents.map((a) => a.id),
    );
    const users = await this.store.users.byUpns(
      agents.flatMap((a) => [...a.owners, a.createdBy]),
      q,
    );
    const accountState = accountStateLookup(users);
    await this.store.agents.setRisks(
      agents.map((agent) => ({
        id: agent.id,
        risk: assessAgentRisk(agent, {
          now,
          accountState,
          openAlerts: alerts.get(agent.id) ?? { high: 0, critical: 0 },
        }),
      })),
      q,
    );
  }
}
