import type { Agent, DirectoryUser } from '../domain/types.js';
import { assessAgentRisk } from '../domain/risk.js';
import { accountStateLookup } from '../domain/account-state.js';
import type { Sql } from '../store/db.js';
import type { Store } from '../store/store.js';

/**
 * Keeps each agent's stored risk (score, level, signals) current, so listing and sorting 10,000
 * agents is one indexed query. Called when an agent or an alert about it changes, and for all
 * agents at start and periodically (the `dormant` signal moves with the clock).
 */
export class RiskRefresher {
  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async refreshAll(): Promise<number> {
    const [agents, users, alerts] = await Promise.all([
      this.store.agents.all(),
      this.store.users.all(),
      this.store.incidents.openHighAlertCounts(),
    ]);
    const accountState = accountStateLookup(users);
    const now = this.clock();
    await this.store.agents.setRisks(
      agents.map((agent) => ({
        id: agent.id,
        risk: assessAgentRisk(agent, {
          now,
          accountState,
          openAlerts: alerts.get(agent.id) ?? { high: 0, critical: 0 },
        }),
      })),
    );
    return agents.length;
  }

  /** Recomputes the named agents inside the caller's transaction. */
  async refresh(q: Sql, agentIds: string[]): Promise<void> {
    const agents = (await Promise.all([...new Set(agentIds)].map((id) => this.store.agents.get(id, q)))).filter(
      (a): a is Agent => a !== null,
    );
    if (agents.length === 0) return;
    const owners = [...new Set(agents.flatMap((a) => [...a.owners, a.createdBy]))];
    const users = (await Promise.all(owners.map((upn) => this.store.users.get(upn, q)))).filter(
      (u): u is DirectoryUser => u !== null,
    );
    const accountState = accountStateLookup(users);
    const counts = await this.store.incidents.openHighAlertCounts(q);
    const now = this.clock();
    await this.store.agents.setRisks(
      agents.map((agent) => ({
        id: agent.id,
        risk: assessAgentRisk(agent, {
          now,
          accountState,
          openAlerts: counts.get(agent.id) ?? { high: 0, critical: 0 },
        }),
      })),
      q,
    );
  }
}
