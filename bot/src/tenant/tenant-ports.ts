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
  /**
   * Tells the tenant a submitted version was rejected. The embedded tenant keeps nothing for it; Graph's Teams
   * app catalog sets the definition's publishingState to `rejected` (delegated access only).
   */
  rejectVersion(tx: Sql, agent: Agent, version: string, change: AgentChange): Promise<void>;
}

export interface AgentChange {
  by: string;
  at: string;
  reason: string;
  /**
   * The person's own access to the tenant, when the change must be made as them (Graph allows the Teams app
   * catalog review only with delegated permissions). Card actions in Teams carry it (Teams SSO); null otherwise.
   */
  onBehalfOf?: DelegatedAccess | null;
}

/** A delegated Microsoft Graph access token of the person who acted (docs/architecture.md, interface 5). */
export interface DelegatedAccess {
  /** The Entra object id of the person the token was issued to. */
  userId: string;
  accessToken: string;
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
