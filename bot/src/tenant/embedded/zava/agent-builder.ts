import type {
  AccessControlPolicy,
  Agent,
  AgentSnapshot,
  AgentTool,
  AgentTopic,
  AgentPermission,
  AgentTrigger,
  AuthenticationTrigger,
  EnvironmentType,
  KnowledgeSource,
  Platform,
  UserAuthenticationType,
} from '../../../domain/types.js';
import { stableGuid } from '../tenant-seed.js';
import type { ZavaAgentKey } from './ids.js';
import { agentIdOf, ZAVA_ENVIRONMENTS } from './ids.js';
import { onMessage } from './agent-parts.js';

/** One Zava agent as written down: the defaults are those of a clean, published, in-use agent. */
export interface ZavaAgentSpec {
  key: ZavaAgentKey;
  name: string;
  platform: Platform;
  environmentId: string;
  /** UPN of the maker (creator). */
  maker: string;
  /** UPNs; defaults to the maker alone. */
  owners?: string[];
  description: string;
  instructions: string;
  version: string;
  created: string;
  modified: string;
  modifiedBy?: string;
  /** null: a draft never published. */
  published: string | null;
  publishedBy?: string;
  lastActive: string | null;
  userCount: number;
  userAuthentication?: UserAuthenticationType;
  authenticationTrigger?: AuthenticationTrigger;
  accessControl?: AccessControlPolicy;
  /** Names of security groups (ids are derived) when access is by group membership. */
  groups?: string[];
  tools?: AgentTool[];
  knowledgeSources?: KnowledgeSource[];
  topics?: AgentTopic[];
  triggers?: AgentTrigger[];
  connectedAgents?: ZavaAgentKey[];
  childAgents?: ZavaAgentKey[];
  channels?: string[];
  blocked?: { at: string; by: string; reason: string };
  /** Classified as a critical asset. */
  criticalAsset?: boolean;
  /** Graph permissions granted to the agent's own identity. */
  permissions?: AgentPermission[];
  /** Earlier versions, oldest first; each becomes a snapshot taken at `at` with `changes` applied. */
  history?: { at: string; changes: Partial<Agent> }[];
}

/** Zava's environments: the default one every maker lands in, and production environments for the departments. */
const ENVIRONMENT_TYPES: Record<string, EnvironmentType> = {
  [ZAVA_ENVIRONMENTS.default]: 'default',
  [ZAVA_ENVIRONMENTS.finance]: 'production',
  [ZAVA_ENVIRONMENTS.sales]: 'production',
  [ZAVA_ENVIRONMENTS.hr]: 'production',
  [ZAVA_ENVIRONMENTS.foundry]: 'production',
};

export const groupIdOf = (name: string) => stableGuid(`zava:group:${name}`);

export function buildAgent(s: ZavaAgentSpec): Agent {
  const accessControl = s.accessControl ?? 'groupMembership';
  return {
    id: agentIdOf(s.key),
    name: s.name,
    platform: s.platform,
    version: s.version,
    publishStatus: s.published ? 'published' : 'draft',
    lifecycle: s.blocked ? 'blocked' : 'active',
    environmentId: s.environmentId,
    createdAt: s.created,
    createdBy: s.maker,
    owners: s.owners ?? [s.maker],
    lastModifiedAt: s.modified,
    lastModifiedBy: s.modifiedBy ?? s.maker,
    publishedAt: s.published,
    publishedBy: s.published ? (s.publishedBy ?? s.maker) : null,
    authorizedGroupIds: accessControl === 'groupMembership' ? (s.groups ?? ['All Employees']).map(groupIdOf) : [],
    connectedAgentIds: (s.connectedAgents ?? []).map(agentIdOf),
    childAgentIds: (s.childAgents ?? []).map(agentIdOf),
    channels: s.channels ?? ['msteams', 'm365copilot'],
    userCount: s.userCount,
    lastActivityAt: s.lastActive,
    blockedAt: s.blocked?.at ?? null,
    blockedBy: s.blocked?.by ?? null,
    blockReason: s.blocked?.reason ?? null,
    description: s.description,
    instructions: s.instructions,
    userAuthentication: s.userAuthentication ?? 'microsoft',
    authenticationTrigger: s.authenticationTrigger ?? 'always',
    accessControl,
    tools: s.tools ?? [],
    knowledgeSources: s.knowledgeSources ?? [],
    topics: s.topics ?? [],
    triggers: s.triggers ?? [onMessage],
    ...(ENVIRONMENT_TYPES[s.environmentId] ? { environmentType: ENVIRONMENT_TYPES[s.environmentId] } : {}),
    ...(s.criticalAsset ? { criticalAsset: true } : {}),
    ...(s.permissions ? { permissions: s.permissions } : {}),
  };
}

/**
 * The agent's snapshots, oldest first: one per earlier version, then the current agent itself
 * (taken when it last changed). Earlier snapshots see only the activity and blocks before them.
 */
export function snapshotsOf(agent: Agent, history: ZavaAgentSpec['history'] = []): AgentSnapshot[] {
  const current = agent.blockedAt && agent.blockedAt > agent.lastModifiedAt ? agent.blockedAt : agent.lastModifiedAt;
  const older = history.map(({ at, changes }): AgentSnapshot => {
    if (at >= agent.lastModifiedAt) throw new Error(`${agent.name}: snapshot at ${at} is not older than the agent`);
    const version: Agent = { ...agent, lastModifiedAt: at, ...changes };
    const published = version.publishedAt !== null && version.publishedAt <= at;
    const blocked = version.blockedAt !== null && version.blockedAt <= at;
    return {
      agentId: agent.id,
      takenAt: at,
      agent: {
        ...version,
        publishStatus: published ? 'published' : 'draft',
        publishedAt: published ? version.publishedAt : null,
        publishedBy: published ? version.publishedBy : null,
        lastActivityAt: published && version.lastActivityAt ? minIso(version.lastActivityAt, at) : null,
        ...(blocked ? {} : { lifecycle: 'active', blockedAt: null, blockedBy: null, blockReason: null }),
      },
    };
  });
  return [...older, { agentId: agent.id, takenAt: current, agent }];
}

const minIso = (a: string, b: string) => (a < b ? a : b);
