import type { Agent, DirectoryUser } from '../../domain/types.js';
import type { Store } from '../../store/store.js';
import type { Sql } from '../../store/db.js';
import type { AgentChange, TenantPorts } from '../tenant-ports.js';

/** The embedded tenant: the store is the system of record for agents, users and sessions. */
export function embeddedTenant(store: Store): TenantPorts {
  const saveAgent = async (tx: Sql, agent: Agent) => {
    await store.agents.upsert([agent], tx);
    return agent;
  };
  const saveUser = async (tx: Sql, user: DirectoryUser) => {
    await store.users.save(user, tx);
    return user;
  };
  return {
    agents: {
      block: (tx, agent, c: AgentChange) =>
        saveAgent(tx, { ...agent, lifecycle: 'blocked', blockedAt: c.at, blockedBy: c.by, blockReason: c.reason }),
      unblock: (tx, agent) =>
        saveAgent(tx, { ...agent, lifecycle: 'active', blockedAt: null, blockedBy: null, blockReason: null }),
      publishVersion: (tx, agent, version, definition, c) =>
        saveAgent(tx, {
          ...agent,
          ...definition,
          version,
          lifecycle: 'active',
          publishStatus: 'published',
          publishedAt: c.at,
          publishedBy: c.by,
          lastModifiedAt: c.at,
          lastModifiedBy: c.by,
          blockedAt: null,
          blockedBy: null,
          blockReason: null,
        }),
      // The store's submission is the embedded tenant's record of the review: nothing else to change.
      rejectVersion: () => Promise.resolve(),
    },
    identity: {
      revokeSignInSessions: (tx, user, at) => saveUser(tx, { ...user, sessionsRevokedAt: at }),
      confirmCompromised: (tx, user) =>
        saveUser(tx, { ...user, riskLevel: 'high', riskState: 'confirmedCompromised', passwordResetRequired: true }),
    },
  };
}
