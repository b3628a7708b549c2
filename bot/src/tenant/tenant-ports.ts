import type { Agent, AgentDefinition, DirectoryUser } from '../domain/types.js';
import type { Sql } from '../store/db.js';

/**
 * The tenant's side of the response actions. The embedded adapter changes the store (the tenant's
 * system of record in embedded mode) inside the caller's transaction; a Graph adapter calls
 * Microsoft Graph (docs/architecture.md, interfaces 4 and 5) and ignores the transaction handle.
 */
export interface AgentControl {
  /** Blocked agents disappear from the store for new users and stop working for current ones. */
  block(tx: Sql, agent: Agent, change: AgentChange): Promise<Agent>;
  unblock(tx: Sql, agent: Agent, change: AgentChange): Promise<Agent>;
  /** Publishes an approved version (and unblocks the agent). */
  publishVersion(
    tx: Sql,
    agent: Agent,
    version: string,
    definition: AgentDefinition,
    change: AgentChange,
  ): Promise<Agent>;
}

export interface AgentChange {
  by: string;
  at: string;
  reason: string;
}

export interface IdentityControl {
  /** POST /users/{id}/revokeSignInSessions */
  revokeSignInSessions(tx: Sql, user: DirectoryUser, at: string): Promise<DirectoryUser>;
  /** POST /identityProtection/riskyUsers/confirmCompromised: risk high, which forces a password reset. */
  confirmCompromised(tx: Sql, user: DirectoryUser, at: string): Promise<DirectoryUser>;
}

export interface TenantPorts {
  agents: AgentControl;
  identity: IdentityControl;
}
