import type {
  AccessControlPolicy,
  Agent,
  AgentSnapshot,
  AgentTool,
  DirectoryUser,
  KnowledgeSource,
  Platform,
  ToolKind,
} from '../domain/types.js';
import type { KqlCatalog } from './kql/engine.js';
import type { Column, Row } from './kql/values.js';
import type { Store } from '../store/store.js';
import { changeVersion } from '../store/outbox.js';

// The embedded tenant's advanced-hunting tables, shaped like Defender's (docs/architecture.md, interface 3):
// AIAgentsInfo and AgentsInfo keep one row per agent snapshot (take the newest per agent with
// `summarize arg_max(Timestamp, *) by AIAgentId`), IdentityInfo one row per directory account.
// Nested details follow Copilot Studio's component shapes: an MCP tool has
// `action.operationDetails["$kind"] == "ModelContextProtocolMetadata"`, a tool on the maker's
// credentials `action.connectionProperties.mode == "Maker"` (the user's: "Invoker").

const col = (name: string, type: Column['type']): Column => ({ name, type });

export const AI_AGENTS_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  col('AIAgentId', 'string'),
  col('AIAgentName', 'string'),
  col('AgentCreationTime', 'datetime'),
  col('CreatorAccountUpn', 'string'),
  col('OwnerAccountUpns', 'string'),
  col('LastModifiedByUpn', 'string'),
  col('LastModifiedTime', 'datetime'),
  col('LastPublishedTime', 'datetime'),
  col('LastPublishedByUpn', 'string'),
  col('AgentDescription', 'string'),
  col('AgentStatus', 'string'),
  col('UserAuthenticationType', 'string'),
  col('AgentUsers', 'string'),
  col('KnowledgeDetails', 'string'),
  col('AgentActionTriggers', 'string'),
  col('RawAgentInfo', 'string'),
  col('AuthenticationTrigger', 'string'),
  col('AccessControlPolicy', 'string'),
  col('AuthorizedSecurityGroupIds', 'dynamic'),
  col('AgentTopicsDetails', 'dynamic'),
  col('AgentToolsDetails', 'dynamic'),
  col('EnvironmentId', 'string'),
  col('Platform', 'string'),
];

export const AGENTS_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  col('AgentId', 'string'),
  col('AgentName', 'string'),
  col('Platform', 'string'),
  col('AgentDescription', 'string'),
  col('Version', 'string'),
  col('EntraAgentId', 'string'),
  col('EntraBlueprintId', 'string'),
  col('ToolsAuthenticationType', 'string'),
  col('Permissions', 'dynamic'),
  col('PublishedStatus', 'string'),
  col('LifecycleStatus', 'string'),
  col('Availability', 'string'),
  col('Owners', 'dynamic'),
  col('SharedWith', 'dynamic'),
  col('InstanceCount', 'long'),
  col('Instructions', 'string'),
  col('Model', 'string'),
  col('Channels', 'dynamic'),
  col('Capabilities', 'dynamic'),
  col('DeclaredDataSources', 'dynamic'),
  col('DeclaredTools', 'dynamic'),
  col('McpServers', 'dynamic'),
  col('Skills', 'dynamic'),
  col('ConnectedAgents', 'dynamic'),
  col('Triggers', 'dynamic'),
  col('Guardrails', 'dynamic'),
  col('Endpoints', 'dynamic'),
  col('RawAgentInfo', 'string'),
  col('CreatedDateTime', 'datetime'),
  col('LastPublishedDateTime', 'datetime'),
  col('LastUpdatedDateTime', 'datetime'),
];

export const IDENTITY_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  col('AccountObjectId', 'string'),
  col('AccountUpn', 'string'),
  col('AccountDisplayName', 'string'),
  col('IsAccountEnabled', 'bool'),
  col('Department', 'string'),
  col('JobTitle', 'string'),
];

export const HUNTING_SCHEMAS: Record<string, Column[]> = {
  AIAgentsInfo: AI_AGENTS_INFO_COLUMNS,
  AgentsInfo: AGENTS_INFO_COLUMNS,
  IdentityInfo: IDENTITY_INFO_COLUMNS,
};

/** Table schemas for compiling queries (rows come later, from HuntingTables). */
export const huntingCatalog: KqlCatalog = {
  schema: (name) => HUNTING_SCHEMAS[name] ?? null,
  tableNames: () => Object.keys(HUNTING_SCHEMAS),
};

export interface HuntingTableSet {
  AIAgentsInfo: Row[];
  AgentsInfo: Row[];
  IdentityInfo: Row[];
  /** The store's change version the tables were built at. */
  version: number;
  builtAt: Date;
}

const PLATFORM_NAMES: Record<Platform, string> = {
  copilotStudio: 'Copilot Studio',
  azureAIFoundry: 'Azure AI Foundry',
  m365Copilot: 'Microsoft 365 Copilot',
  thirdParty: 'Third party',
};
const ACCESS_NAMES: Record<AccessControlPolicy, string> = {
  any: 'Any',
  copilotReaders: 'Copilot readers',
  groupMembership: 'Group membership',
  anyMultitenant: 'Any (multi-tenant)',
};
const AUTH_NAMES = { none: 'None', microsoft: 'Microsoft', custom: 'Custom' } as const;
const TRIGGER_NAMES = { asNeeded: 'As Needed', always: 'Always' } as const;
const ACTION_KINDS: Record<ToolKind, string> = {
  connector: 'InvokeConnectorTaskAction',
  mcpServer: 'InvokeExternalAgentTaskAction',
  http: 'InvokeHttpTaskAction',
  flow: 'InvokeFlowTaskAction',
  prebuilt: 'InvokePrebuiltTaskAction',
};
const OPERATION_KINDS: Record<ToolKind, string> = {
  connector: 'ConnectorOperationMetadata',
  mcpServer: 'ModelContextProtocolMetadata',
  http: 'HttpRequestMetadata',
  flow: 'FlowMetadata',
  prebuilt: 'PrebuiltToolMetadata',
};
const KNOWLEDGE_KINDS: Record<KnowledgeSource['kind'], string> = {
  sharepoint: 'SharePointSearchSource',
  website: 'PublicSiteSearchSource',
  dataverse: 'DataverseSearchSource',
  file: 'FileSearchSource',
  mcpServer: 'ModelContextProtocolMetadata',
};
const mode = (m: 'maker' | 'user') => (m === 'maker' ? 'Maker' : 'Invoker');
const date = (iso: string | null) => (iso ? new Date(iso) : null);

function toolDetails(t: AgentTool): Record<string, unknown> {
  return {
    id: t.id,
    displayName: t.name,
    description: t.description,
    action: {
      $kind: ACTION_KINDS[t.kind],
      operationDetails: {
        $kind: OPERATION_KINDS[t.kind],
        ...(t.connector ? { connector: t.connector } : {}),
        ...(t.serverUrl ? { url: t.serverUrl } : {}),
        ...(Object.keys(t.headers).length ? { headers: t.headers } : {}),
        capability: t.capability,
        operations: t.operations.map((o) => ({ name: o.name, access: o.access })),
      },
      connectionProperties: { mode: mode(t.connectionMode) },
      ...(t.capability === 'email'
        ? { inputs: { recipients: { fillMode: t.recipientsFromModel ? 'AI' : 'Fixed' } } }
        : {}),
    },
  };
}

function knowledgeDetails(k: KnowledgeSource): Record<string, unknown> {
  return {
    displayName: k.name,
    source: { $kind: KNOWLEDGE_KINDS[k.kind], ...(k.url ? { url: k.url } : {}) },
    connectionProperties: { mode: mode(k.connectionMode) },
  };
}

/** One AIAgentsInfo row and one AgentsInfo row for an agent as it was at `at`. */
export function agentRows(agent: Agent, at: Date): { aiAgentsInfo: Row; agentsInfo: Row } {
  const raw = JSON.stringify(agent);
  const tools = agent.tools.map(toolDetails);
  const knowledge = agent.knowledgeSources.map(knowledgeDetails);
  const triggers = agent.triggers.map((t) => ({ displayName: t.name, kind: t.kind }));
  const audience =
    agent.accessControl === 'groupMembership' ? agent.authorizedGroupIds : [ACCESS_NAMES[agent.accessControl]];
  const published = agent.publishStatus === 'published';
  const mcpServers = [
    ...agent.tools
      .filter((t) => t.kind === 'mcpServer')
      .map((t) => ({ name: t.name, url: t.serverUrl, credentialMode: mode(t.connectionMode), usage: 'tool' })),
    ...agent.knowledgeSources
      .filter((k) => k.kind === 'mcpServer')
      .map((k) => ({ name: k.name, url: k.url, credentialMode: mode(k.connectionMode), usage: 'knowledge' })),
  ];
  const aiAgentsInfo: Row = {
    Timestamp: at,
    AIAgentId: agent.id,
    AIAgentName: agent.name,
    AgentCreationTime: date(agent.createdAt),
    CreatorAccountUpn: agent.createdBy,
    OwnerAccountUpns: JSON.stringify(agent.owners),
    LastModifiedByUpn: agent.lastModifiedBy,
    LastModifiedTime: date(agent.lastModifiedAt),
    LastPublishedTime: date(agent.publishedAt),
    LastPublishedByUpn: agent.publishedBy ?? '',
    AgentDescription: agent.description,
    AgentStatus: published ? 'Published' : 'Created',
    UserAuthenticationType: AUTH_NAMES[agent.userAuthentication],
    AgentUsers: JSON.stringify(audience),
    KnowledgeDetails: JSON.stringify(knowledge),
    AgentActionTriggers: JSON.stringify(triggers),
    RawAgentInfo: raw,
    AuthenticationTrigger: TRIGGER_NAMES[agent.authenticationTrigger],
    AccessControlPolicy: ACCESS_NAMES[agent.accessControl],
    AuthorizedSecurityGroupIds: agent.authorizedGroupIds,
    AgentTopicsDetails: agent.topics.map((t) => ({
      displayName: t.name,
      connectionProperties: { mode: t.usesAuthorCredentials ? 'Maker' : 'Invoker' },
    })),
    AgentToolsDetails: tools,
    EnvironmentId: agent.environmentId,
    Platform: PLATFORM_NAMES[agent.platform],
  };
  const makerTools = agent.tools.some((t) => t.connectionMode === 'maker');
  const agentsInfo: Row = {
    Timestamp: at,
    AgentId: agent.id,
    AgentName: agent.name,
    Platform: PLATFORM_NAMES[agent.platform],
    AgentDescription: agent.description,
    Version: agent.version,
    EntraAgentId: '',
    EntraBlueprintId: '',
    ToolsAuthenticationType: agent.tools.length === 0 ? 'None' : makerTools ? 'Maker' : 'User',
    Permissions: agent.tools.flatMap((t) =>
      t.operations.map((o) => ({ tool: t.name, operation: o.name, access: o.access })),
    ),
    PublishedStatus: published ? 'Published' : 'Draft',
    LifecycleStatus: agent.lifecycle === 'blocked' ? 'Blocked' : 'Active',
    Availability: ACCESS_NAMES[agent.accessControl],
    Owners: agent.owners,
    SharedWith: audience,
    InstanceCount: 1,
    Instructions: agent.instructions,
    Model: '',
    Channels: agent.channels,
    Capabilities: [...new Set(agent.tools.map((t) => t.capability))],
    DeclaredDataSources: knowledge,
    DeclaredTools: tools,
    McpServers: mcpServers,
    Skills: [],
    ConnectedAgents: [...agent.connectedAgentIds, ...agent.childAgentIds],
    Triggers: triggers,
    Guardrails: {},
    Endpoints: [],
    RawAgentInfo: raw,
    CreatedDateTime: date(agent.createdAt),
    LastPublishedDateTime: date(agent.publishedAt),
    LastUpdatedDateTime: date(agent.lastModifiedAt),
  };
  return { aiAgentsInfo, agentsInfo };
}

/**
 * Builds the tables: each agent's stored snapshots older than its current state, then the current
 * record (actions such as a block change the agent without a new snapshot).
 */
export function buildHuntingTables(
  agents: Agent[],
  snapshots: AgentSnapshot[],
  users: DirectoryUser[],
  version: number,
  now: Date,
): HuntingTableSet {
  const byAgent = new Map<string, AgentSnapshot[]>();
  for (const s of snapshots) {
    const list = byAgent.get(s.agentId);
    if (list) list.push(s);
    else byAgent.set(s.agentId, [s]);
  }
  const aiAgentsInfo: Row[] = [];
  const agentsInfo: Row[] = [];
  for (const agent of agents) {
    const history = (byAgent.get(agent.id) ?? []).sort((a, b) => (a.takenAt < b.takenAt ? -1 : 1));
    let current = agent.lastModifiedAt;
    if (agent.blockedAt && agent.blockedAt > current) current = agent.blockedAt;
    const newest = history[history.length - 1];
    if (newest && newest.takenAt > current) current = newest.takenAt;
    for (const s of history) {
      if (s.takenAt >= current) continue;
      const rows = agentRows(s.agent, new Date(s.takenAt));
      aiAgentsInfo.push(rows.aiAgentsInfo);
      agentsInfo.push(rows.agentsInfo);
    }
    const rows = agentRows(agent, new Date(current));
    aiAgentsInfo.push(rows.aiAgentsInfo);
    agentsInfo.push(rows.agentsInfo);
  }
  const identityInfo: Row[] = users.map((u) => ({
    Timestamp: now,
    AccountObjectId: u.id,
    AccountUpn: u.upn,
    AccountDisplayName: u.displayName,
    IsAccountEnabled: u.accountEnabled,
    Department: u.department,
    JobTitle: u.jobTitle,
  }));
  return { AIAgentsInfo: aiAgentsInfo, AgentsInfo: agentsInfo, IdentityInfo: identityInfo, version, builtAt: now };
}

/** Where a run gets its tables from. */
export interface HuntingTableSource {
  current(): Promise<HuntingTableSet>;
}

/** Fixed tables (tests, benchmarks, an imported snapshot). */
export const staticTables = (tables: HuntingTableSet): HuntingTableSource => ({ current: async () => tables });

/** The tables over the store, rebuilt only when the store's change version has moved. */
export class HuntingTables implements HuntingTableSource {
  private cached: HuntingTableSet | null = null;
  private building: Promise<HuntingTableSet> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async current(): Promise<HuntingTableSet> {
    const version = await changeVersion(this.store.db);
    if (this.cached && this.cached.version === version) return this.cached;
    if (!this.building) {
      this.building = this.build(version).finally(() => {
        this.building = null;
      });
    }
    return this.building;
  }

  private async build(version: number): Promise<HuntingTableSet> {
    const [agents, snapshots, users] = await Promise.all([
      this.store.agents.all(),
      this.store.snapshots.all(),
      this.store.users.all(),
    ]);
    this.cached = buildHuntingTables(agents, snapshots, users, version, this.clock());
    return this.cached;
  }
}
