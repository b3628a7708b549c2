import type { Agent, AgentDefinition, DirectoryUser } from '../../domain/types.js';
import { ConflictError, ForbiddenError, UpstreamError } from '../../domain/errors.js';
import type { Store } from '../../store/store.js';
import type { Sql } from '../../store/db.js';
import type { AgentChange, TenantPorts } from '../tenant-ports.js';
import { embeddedTenant } from '../embedded/embedded-tenant.js';
import type { GraphConnection } from './graph-client.js';

// TENANT=graph: the response actions go to Microsoft Graph (docs/architecture.md, interfaces 4 and 5). Only once Graph
// has accepted a change is the store's copy updated, inside the caller's transaction, exactly as the embedded
// adapter does it, so the tab and the cards show the new state before the next sync. Graph's refusals leave
// as UpstreamError (HTTP 502 with Graph's code and message) and the transaction rolls back: nothing is
// recorded as done. If the store's write fails after Graph accepted, the next sync brings Graph's state.
// Approving and rejecting a version go to Graph as the person who clicked (their delegated token from Teams SSO,
// bot/src/teams/sso/); without one they are refused with a 409 that says where to do it instead.

/** Where the sync keeps the ids Graph needs for an agent's Teams app catalog entry (meta table). */
export const packageMetaKey = (agentId: string) => `graph.package.${agentId}`;

export interface GraphPackageIds {
  /** The package's appId: the Teams app catalog id (teamsApp.id) the review flow is addressed to. */
  appId: string | null;
  manifestId: string | null;
}

interface TeamsAppDefinition {
  id: string;
  version?: string;
  publishingState?: string;
  '@odata.etag'?: string;
}

export function graphTenant(store: Store, graph: GraphConnection): TenantPorts {
  const local = embeddedTenant(store);
  const seg = encodeURIComponent;

  /**
   * The Teams app catalog review: the submitted definition of `version` becomes `published` or `rejected`, with
   * If-Match, as the person who decided (Graph allows it only with delegated permissions, AppCatalog.ReadWrite.All).
   */
  const review = async (
    tx: Sql,
    agent: Agent,
    version: string,
    publishingState: 'published' | 'rejected',
    change: AgentChange,
  ): Promise<void> => {
    const verb = publishingState === 'published' ? 'approve' : 'reject';
    const ids = await store.meta.get<GraphPackageIds>(packageMetaKey(agent.id), tx);
    if (!ids?.appId) {
      throw new ConflictError(
        `${agent.name} has no Teams app catalog id from Microsoft Graph (the package sync records its appId): ` +
          `${verb} the version in the Teams admin center instead.`,
      );
    }
    const delegatedToken = change.onBehalfOf?.accessToken;
    if (!delegatedToken) {
      throw new ConflictError(
        `Microsoft Graph lets only a signed-in person ${verb} a version in the Teams app catalog: ${verb} it from ` +
          'the approval card in Teams (it asks you to sign in once), or in the Teams admin center.',
      );
    }
    const app = seg(ids.appId);
    const submitted = await graph.get<{ value: TeamsAppDefinition[] }>(
      `/appCatalogs/teamsApps/${app}/appDefinitions?$filter=${seg("publishingState eq 'submitted'")}`,
      { delegatedToken },
    );
    const target = submitted.value.find((d) => d.version === version);
    if (!target) {
      const found = submitted.value.map((d) => d.version ?? d.id).join(', ') || 'none';
      throw new ConflictError(
        `The Teams app catalog has no submitted version ${version} of ${agent.name} (submitted: ${found}).`,
      );
    }
    try {
      await graph.patch(
        `/appCatalogs/teamsApps/${app}/appDefinitions/${seg(target.id)}`,
        { publishingState },
        { delegatedToken, headers: target['@odata.etag'] ? { 'If-Match': target['@odata.etag'] } : {} },
      );
    } catch (err) {
      // Graph's 403 to a person: they may not manage Teams apps in Microsoft 365, whatever their role here.
      if (err instanceof UpstreamError && err.upstreamStatus === 403) {
        throw new ForbiddenError(
          `Microsoft Graph does not let ${change.by} ${verb} Teams apps (a Teams administrator can): ${err.message}`,
        );
      }
      throw err;
    }
  };

  return {
    agents: {
      async block(tx: Sql, agent: Agent, change: AgentChange) {
        await graph.post(`/copilot/admin/catalog/packages/${seg(agent.id)}/block`, undefined, { version: 'beta' });
        return local.agents.block(tx, agent, change);
      },
      async unblock(tx: Sql, agent: Agent, change: AgentChange) {
        await graph.post(`/copilot/admin/catalog/packages/${seg(agent.id)}/unblock`, undefined, { version: 'beta' });
        return local.agents.unblock(tx, agent, change);
      },
      async publishVersion(tx: Sql, agent: Agent, version: string, definition: AgentDefinition, change: AgentChange) {
        await review(tx, agent, version, 'published', change);
        return local.agents.publishVersion(tx, agent, version, definition, change);
      },
      async rejectVersion(tx: Sql, agent: Agent, version: string, change: AgentChange) {
        // A version the Teams app catalog never had (no catalog id) is only Agent Warden's to reject.
        const ids = await store.meta.get<GraphPackageIds>(packageMetaKey(agent.id), tx);
        if (!ids?.appId) return;
        await review(tx, agent, version, 'rejected', change);
      },
    },
    identity: {
      async revokeSignInSessions(tx: Sql, user: DirectoryUser, at: string) {
        await graph.post(`/users/${seg(user.id)}/revokeSignInSessions`, undefined);
        return local.identity.revokeSignInSessions(tx, user, at);
      },
      async confirmCompromised(tx: Sql, user: DirectoryUser, at: string) {
        await graph.post('/identityProtection/riskyUsers/confirmCompromised', { userIds: [user.id] });
        return local.identity.confirmCompromised(tx, user, at);
      },
    },
  };
}
