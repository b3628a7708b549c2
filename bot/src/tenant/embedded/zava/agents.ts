import type { Agent, AgentSnapshot } from '../../../domain/types.js';
import type { SeedClock } from '../tenant-seed.js';
import { buildAgent, snapshotsOf } from './agent-builder.js';
import { cleanAgentSpecs } from './clean-agents.js';
import { huntingAgentSpecs } from './hunting-agents.js';
import type { ZavaAgentKey } from './ids.js';
import { riskyAgentSpecs } from './risky-agents.js';

export interface ZavaAgents {
  agents: Agent[];
  /** Every agent's current snapshot, and earlier ones where the agent has a history. */
  snapshots: AgentSnapshot[];
  byKey: Record<ZavaAgentKey, Agent>;
}

export function zavaAgents(t: SeedClock): ZavaAgents {
  const specs = [...riskyAgentSpecs(t), ...cleanAgentSpecs(t), ...huntingAgentSpecs(t)];
  const agents: Agent[] = [];
  const snapshots: AgentSnapshot[] = [];
  const byKey = {} as Record<ZavaAgentKey, Agent>;
  for (const spec of specs) {
    const agent = buildAgent(spec);
    agents.push(agent);
    snapshots.push(...snapshotsOf(agent, spec.history));
    byKey[spec.key] = agent;
  }
  return { agents, snapshots, byKey };
}
