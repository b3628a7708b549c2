import { createHash } from 'node:crypto';
import type {
  AccessControlPolicy,
  Agent,
  Alert,
  AgentSnapshot,
  AgentTool,
  AgentTopic,
  DirectoryUser,
  KnowledgeSource,
  Platform,
  ProtectionEvent,
  ToolKind,
} from '../domain/types.js';
import type { KqlCatalog } from './kql/engine.js';
import type { Column, Row } from './kql/values.js';
import type { Store } from '../store/store.js';
import { huntingSourceVersions } from '../store/hunting-versions.js';
import type { RuntimeTableSet } from './runtime-tables.js';
import { RUNTIME_DESCRIPTIONS, RUNTIME_RETENTION_DAYS, RUNTIME_SCHEMAS, buildRuntimeTables } from './runtime-tables.js';

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
  // Columns Microsoft's published queries read that Defender added after the first reference: where the agent is
  // registered ("CopilotStudio", or "A365" for the Agent 365 registry: every other platform), the orchestration,
  // the block and the instructions.
  col('RegistrySource', 'string'),
  col('IsGenerativeOrchestrationEnabled', 'bool'),
  col('IsBlocked', 'bool'),
  col('Instructions', 'string'),
];

export const AGENTS_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  col('AgentId', 'string'),
  col('AgentName', 'string'),
  // Defender's reference names the column AgentName; Microsoft's published AgentsInfo queries read Name. Both.
  col('Name', 'string'),
  col('Platform', 'string'),
  col('AgentDescription', 'string'),
  col('Version', 'string'),
  col('SourceAgentId', 'string'),
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
  col('Memory', 'dynamic'),
  col('Triggers', 'dynamic'),
  col('Guardrails', 'dynamic'),
  col('Endpoints', 'dynamic'),
  col('ObservabilityId', 'string'),
  col('RawAgentInfo', 'dynamic'),
  col('CreatedDateTime', 'datetime'),
  col('LastPublishedDateTime', 'datetime'),
  col('LastUpdatedDateTime', 'datetime'),
];

/**
 * Defender's IdentityInfo, with the column Microsoft Sentinel's slightly extended version (UEBA, Log Analytics) spells
 * `AccountUPN`: Microsoft's published agent queries use both spellings (column names are case-sensitive in KQL).
 */
export const IDENTITY_INFO_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  col('AccountObjectId', 'string'),
  col('AccountUpn', 'string'),
  col('AccountUPN', 'string'),
  col('AccountDisplayName', 'string'),
  col('IsAccountEnabled', 'bool'),
  col('Department', 'string'),
  col('JobTitle', 'string'),
];

/** Copilot Studio interactions as Defender for Cloud Apps records them (ActionType "CopilotInteraction"). */
export const CLOUD_APP_EVENTS_COLUMNS: Column[] = [
  col('Timestamp', 'datetime'),
  col('ActionType', 'string'),
  col('Application', 'string'),
  col('ApplicationId', 'long'),
  col('AccountObjectId', 'string'),
  col('AccountDisplayName', 'string'),
  col('ObjectName', 'string'),
  col('ObjectId', 'string'),
  col('RawEventData', 'dynamic'),
];

export const HUNTING_SCHEMAS: Record<string, Column[]> = {
  AIAgentsInfo: AI_AGENTS_INFO_COLUMNS,
  AgentsInfo: AGENTS_INFO_COLUMNS,
  IdentityInfo: IDENTITY_INFO_COLUMNS,
  CloudAppEvents: CLOUD_APP_EVENTS_COLUMNS,
  ...RUNTIME_SCHEMAS,
};

const TABLE_DESCRIPTIONS: Record<string, string> = {
  AIAgentsInfo: 'Copilot Studio agents and agents in the Agent 365 registry: one row per snapshot of an agent.',
  AgentsInfo: 'AI agents on every platform (the successor of AIAgentsInfo): one row per snapshot of an agent.',
  IdentityInfo: 'Accounts of the directory: object id, UPN, whether enabled.',
  CloudAppEvents: 'Cloud app activity; here Copilot Studio interactions with agents (ActionType "CopilotInteraction").',
  ...RUNTIME_DESCRIPTIONS,
};

const GRAPH_DATA_TYPES: Record<Column['type'], string> = {
  string: 'String',
  long: 'Int64',
  real: 'Double',
  bool: 'Boolean',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  dynamic: 'Dynamic',
};

/**
 * The hunting schema as Microsoft Graph's `security/getHuntingSchema` (beta) answers it: a huntingSchemaResult
 * with its tables (name, description, columns with name, dataType and description) and functions (none saved).
 */
export function graphHuntingSchema(): {
  tables: { name: string; description: string; columns: { name: string; dataType: string; description: string }[] }[];
  functions: { builtInFunctions: unknown[]; savedFunctions: unknown[] };
} {
  return {
    tables: Object.entries(HUNTING_SCHEMAS).map(([name, columns]) => ({
      name,
      description: TABLE_DESCRIPTIONS[name] ?? '',
      columns: columns.map((c) => ({ name: c.name, dataType: GRAPH_DATA_TYPES[c.type], description: '' })),
    })),
    functions: { builtInFunctions: [], savedFunctions: [] },
  };
}

/** Table schemas for compiling queries (rows come later, from HuntingTables). */
export const huntingCatalog: KqlCatalog = {
  schema: (name) => HUNTING_SCHEMAS[name] ?? null,
  tableNames: () => Object.keys(HUNTING_SCHEMAS),
};

export interface HuntingTableSet extends RuntimeTableSet {
  AIAgentsInfo: Row[];
  AgentsInfo: Row[];
  IdentityInfo: Row[];
  CloudAppEvents: Row[];
  /** Grows with every rebuild of any part (the API's `stats.dataVersion`). */
  version: number;
  builtAt: Date;
  /** The version of each part, packed and sent to the query threads apart: a decision rebuilds `runtime` only. */
  parts: Record<HuntingPart, number>;
}

/** The tables in two parts that change apart: agents (and the directory), and runtime activity. */
export type HuntingPart = 'agents' | 'runtime';
export type HuntingTableName = Exclude<keyof HuntingTableSet, 'version' | 'builtAt' | 'parts'>;
export const HUNTING_PARTS: Record<HuntingPart, HuntingTableName[]> = {
  agents: ['AIAgentsInfo', 'AgentsInfo', 'IdentityInfo', 'CloudAppEvents'],
  runtime: ['BehaviorInfo', 'BehaviorEntities', 'AlertInfo', 'AlertEvidence'],
};

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

/** Copilot Studio's schema name for an agent ("zava_customerbilling"): what CloudAppEvents' AppIdentity ends with. */
export function schemaNameOf(agent: Agent): string {
  const slug = agent.name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return `cr${agent.environmentId
    .replace(/[^a-z0-9]/gi, '')
    .slice(0, 3)
    .toLowerCase()}_${slug}`;
}

/** A stable object id for a UPN the directory does not know (an owner who left): a GUID from its hash. */
function guidOf(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const slugOf = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/**
 * Copilot Studio requires generative orchestration for MCP tools and for inputs the model fills; an agent made of
 * authored topics alone runs classic orchestration. Agents without topics are generative (the default since 2025).
 */
export function isGenerative(agent: Agent): boolean {
  return agent.topics.length === 0 || agent.tools.some((t) => t.kind === 'mcpServer' || t.recipientsFromModel);
}

function toolDetails(t: AgentTool, schema: string): Record<string, unknown> {
  const operationId = t.operations[0]?.name ?? null;
  return {
    id: t.id,
    displayName: t.name,
    modelDisplayName: t.name,
    description: t.description,
    action: {
      $kind: ACTION_KINDS[t.kind],
      ...(operationId ? { operationId } : {}),
      ...(t.connector ? { connectionReference: `${schema}.shared_${slugOf(t.connector)}` } : {}),
      operationDetails: {
        $kind: OPERATION_KINDS[t.kind],
        ...(t.connector ? { connector: t.connector } : {}),
        ...(t.serverUrl ? { url: t.serverUrl } : {}),
        ...(Object.keys(t.headers).length ? { headers: t.headers } : {}),
        capability: t.capability,
        operations: t.operations.map((o) => ({ name: o.name, access: o.access })),
      },
      connectionProperties: { mode: mode(t.connectionMode) },
    },
    // Copilot Studio lists the inputs the maker fixed; an input the orchestrator fills is not listed, so an
    // e-mail tool whose recipients the model chooses has no inputs at all.
    ...(t.capability === 'email' && !t.recipientsFromModel
      ? { inputs: [{ propertyName: 'To', value: { literalValue: (t.fixedRecipients ?? []).join(';') } }] }
      : {}),
  };
}

/** A topic as Copilot Studio's component: `beginDialog.actions` holds its steps that call out. */
function topicDetails(topic: AgentTopic, schema: string): Record<string, unknown> {
  const actions = (topic.actions ?? []).map((a) => {
    const connection = { connectionProperties: { mode: mode(a.connectionMode) } };
    if (a.kind === 'http') {
      return {
        $kind: 'HttpRequestAction',
        method: a.method ?? 'GET',
        url: { literalValue: a.url ?? '' },
        ...(a.headers && Object.keys(a.headers).length ? { headers: a.headers } : {}),
        ...connection,
      };
    }
    const to = a.to?.length ? { input: { binding: { To: { literalValue: a.to.join(';') } } } } : {};
    return {
      $kind: 'InvokeConnectorAction',
      operationId: a.operationId ?? '',
      connectionReference: `${schema}.shared_${slugOf(a.connector ?? '')}`,
      ...to,
      ...connection,
    };
  });
  // A topic on the author's credentials without listed steps still calls out once on them.
  if (actions.length === 0 && topic.usesAuthorCredentials) {
    actions.push({
      $kind: 'InvokeConnectorAction',
      operationId: '',
      connectionReference: `${schema}.topic_${slugOf(topic.name)}`,
      connectionProperties: { mode: 'Maker' },
    });
  }
  return {
    displayName: topic.name,
    schemaName: `${schema}.topic.${slugOf(topic.name)}`,
    connectionProperties: { mode: topic.usesAuthorCredentials ? 'Maker' : 'Invoker' },
    beginDialog: { $kind: 'OnRecognizedIntent', actions },
  };
}

function knowledgeDetails(k: KnowledgeSource): Record<string, unknown> {
  return {
    displayName: k.name,
    source: { $kind: KNOWLEDGE_KINDS[k.kind], ...(k.url ? { url: k.url } : {}) },
    connectionProperties: { mode: mode(k.connectionMode) },
  };
}

/** The Copilot Studio custom GPT component's YAML: `instructions:` last, empty when the maker wrote none. */
function gptComponentData(agent: Agent): string {
  const instructions = agent.instructions.trim();
  return [
    'kind: GptComponentMetadata',
    `displayName: ${agent.name}`,
    'gptCapabilities:',
    `  webBrowsing: ${agent.knowledgeSources.some((k) => k.kind === 'website')}`,
    instructions ? `instructions: |-\n  ${instructions.replace(/\n/g, '\n  ')}` : 'instructions:',
  ].join('\n');
}

/** Resolves a UPN to the directory's object id (a stable made-up one for an account no longer there). */
export type ObjectIdOf = (upn: string) => string;

/** One AIAgentsInfo row and one AgentsInfo row for an agent as it was at `at`. */
export function agentRows(agent: Agent, at: Date, objectIdOf: ObjectIdOf): { aiAgentsInfo: Row; agentsInfo: Row } {
  const schema = schemaNameOf(agent);
  const copilotStudio = agent.platform === 'copilotStudio';
  const generative = isGenerative(agent);
  const tools = agent.tools.map((t) => toolDetails(t, schema));
  const knowledge = agent.knowledgeSources.map(knowledgeDetails);
  const triggers = agent.triggers.map((t) => ({ displayName: t.name, kind: t.kind }));
  const audience =
    agent.accessControl === 'groupMembership' ? agent.authorizedGroupIds : [ACCESS_NAMES[agent.accessControl]];
  const published = agent.publishStatus === 'published';
  const everyone = agent.accessControl === 'any' || agent.accessControl === 'anyMultitenant';
  const ownerIds = agent.owners.map(objectIdOf);
  const mcpServers = [
    ...agent.tools
      .filter((t) => t.kind === 'mcpServer')
      .map((t) => ({ name: t.name, url: t.serverUrl, credentialMode: mode(t.connectionMode), usage: 'tool' })),
    ...agent.knowledgeSources
      .filter((k) => k.kind === 'mcpServer')
      .map((k) => ({ name: k.name, url: k.url, credentialMode: mode(k.connectionMode), usage: 'knowledge' })),
  ];
  // Copilot Studio's Dataverse records (bot, botcomponents), with the agent's own record alongside; an agent in
  // the Agent 365 registry has the registry's manifest shape instead.
  const raw = copilotStudio
    ? {
        ...agent,
        Bot: {
          Attributes: {
            botid: agent.id,
            name: agent.name,
            schemaname: schema,
            configuration: {
              $kind: 'BotConfiguration',
              settings: { GenerativeActionsEnabled: generative },
              GenerativeActionsEnabled: generative,
            },
          },
          FormattedValues: { statecode: published ? 'Active' : 'Inactive' },
        },
        BotComponents: [
          {
            Attributes: { schemaname: `${schema}.gpt.default`, data: gptComponentData(agent) },
            FormattedValues: { componenttype: 'Custom GPT' },
          },
          ...agent.topics.map((t) => ({
            Attributes: { schemaname: `${schema}.topic.${slugOf(t.name)}`, data: `kind: AdaptiveDialog` },
            FormattedValues: { componenttype: 'Topic (V2)' },
          })),
        ],
      }
    : {
        ...agent,
        developerName: agent.createdBy,
        creatorId: objectIdOf(agent.createdBy),
        owners: ownerIds.map((entityId) => ({ entityId, entityType: 'User' })),
        scope: everyone ? 'public' : 'private',
        publishedStatus: published ? 'Published' : 'Draft',
        declarativeCopilotMetadata: [{ instructions: agent.instructions, actions: tools, capabilities: knowledge }],
      };
  // Agent 365 lists an agent's actions (API plugins, MCP servers) and its triggers together.
  const actionTriggers = copilotStudio
    ? triggers
    : [
        ...agent.tools.map((t) => ({
          name: t.name,
          type: t.kind === 'mcpServer' ? 'RemoteMCPServer' : t.kind === 'http' ? 'OpenApi' : 'Connector',
          serverUrls: t.serverUrl ? [t.serverUrl] : [],
          ...(Object.keys(t.headers).length ? { headers: t.headers } : {}),
        })),
        ...triggers.map((t) => ({ name: t.displayName, type: 'Trigger', kind: t.kind })),
      ];
  const aiAgentsInfo: Row = {
    Timestamp: at,
    AIAgentId: agent.id,
    AIAgentName: agent.name,
    AgentCreationTime: date(agent.createdAt),
    CreatorAccountUpn: agent.createdBy,
    // One UPN for a single owner (Microsoft's orphaned-agent query compares it with IdentityInfo), comma-separated.
    OwnerAccountUpns: agent.owners.join(', '),
    LastModifiedByUpn: agent.lastModifiedBy,
    LastModifiedTime: date(agent.lastModifiedAt),
    LastPublishedTime: date(agent.publishedAt),
    LastPublishedByUpn: agent.publishedBy ?? '',
    AgentDescription: agent.description,
    AgentStatus: published ? 'Published' : 'Created',
    UserAuthenticationType: AUTH_NAMES[agent.userAuthentication],
    AgentUsers: JSON.stringify(audience),
    KnowledgeDetails: JSON.stringify(knowledge),
    AgentActionTriggers: JSON.stringify(actionTriggers),
    RawAgentInfo: JSON.stringify(raw),
    AuthenticationTrigger: TRIGGER_NAMES[agent.authenticationTrigger],
    AccessControlPolicy: ACCESS_NAMES[agent.accessControl],
    AuthorizedSecurityGroupIds: agent.authorizedGroupIds,
    AgentTopicsDetails: agent.topics.map((t) => topicDetails(t, schema)),
    AgentToolsDetails: tools,
    EnvironmentId: agent.environmentId,
    Platform: PLATFORM_NAMES[agent.platform],
    RegistrySource: copilotStudio ? 'CopilotStudio' : 'A365',
    IsGenerativeOrchestrationEnabled: generative,
    IsBlocked: agent.lifecycle === 'blocked',
    Instructions: agent.instructions,
  };
  const makerTools = agent.tools.some((t) => t.connectionMode === 'maker');
  const agentsInfo: Row = {
    Timestamp: at,
    AgentId: agent.id,
    AgentName: agent.name,
    Name: agent.name,
    Platform: PLATFORM_NAMES[agent.platform],
    AgentDescription: agent.description,
    Version: agent.version,
    SourceAgentId: copilotStudio ? schema : agent.id,
    EntraAgentId: '',
    EntraBlueprintId: '',
    ToolsAuthenticationType: agent.tools.length === 0 ? 'None' : makerTools ? 'Maker' : 'User',
    Permissions: [
      ...agent.tools.flatMap((t) => t.operations.map((o) => ({ tool: t.name, operation: o.name, access: o.access }))),
      // Graph permissions granted to the agent's own identity (Defender lists them with their consent state).
      ...(agent.permissions ?? []).map((p) => ({
        permission: p.name,
        permissionType: p.type === 'application' ? 'Application' : 'Delegated',
        state: 'Granted',
      })),
    ],
    PublishedStatus: published ? 'Published' : 'Draft',
    LifecycleStatus: agent.lifecycle === 'blocked' ? 'Blocked' : 'Active',
    Availability: ACCESS_NAMES[agent.accessControl],
    // Owners are directory object ids; "*" in SharedWith means the whole organization.
    Owners: ownerIds,
    SharedWith: everyone ? ['*'] : audience,
    InstanceCount: 1,
    Instructions: agent.instructions,
    Model: '',
    Channels: agent.channels,
    Capabilities: [...new Set(agent.tools.map((t) => t.capability))],
    DeclaredDataSources: knowledge,
    DeclaredTools: agent.tools.map((t, i) => ({ name: t.name, ...(tools[i] as Record<string, unknown>) })),
    McpServers: mcpServers,
    Skills: [],
    ConnectedAgents: [...agent.connectedAgentIds, ...agent.childAgentIds],
    Memory: {},
    Triggers: triggers,
    Guardrails: {},
    Endpoints: [],
    ObservabilityId: '',
    RawAgentInfo: raw,
    CreatedDateTime: date(agent.createdAt),
    LastPublishedDateTime: date(agent.publishedAt),
    LastUpdatedDateTime: date(agent.lastModifiedAt),
  };
  return { aiAgentsInfo, agentsInfo };
}

/** The store's runtime activity the runtime tables are built from: decisions and alerts of the last 30 days. */
export interface HuntingActivity {
  events: ProtectionEvent[];
  alerts: Alert[];
}

/**
 * Builds the tables: each agent's stored snapshots older than its current state, then the current
 * record (actions such as a block change the agent without a new snapshot); the runtime tables from `activity`.
 */
export function buildHuntingTables(
  agents: Agent[],
  snapshots: AgentSnapshot[],
  users: DirectoryUser[],
  version: number,
  now: Date,
  activity: HuntingActivity = { events: [], alerts: [] },
): HuntingTableSet {
  const builder = new AgentTableBuilder(snapshots, users, now);
  for (const agent of agents) builder.add(agent);
  return {
    ...builder.tables(agents),
    ...buildRuntimeTables(activity, agents, users),
    version,
    builtAt: now,
    parts: { agents: version, runtime: version },
  };
}

type AgentTables = Pick<HuntingTableSet, 'AIAgentsInfo' | 'AgentsInfo' | 'IdentityInfo' | 'CloudAppEvents'>;

/** The agent part's rows, an agent at a time (so a large tenant can be built with pauses between agents). */
class AgentTableBuilder {
  private readonly byAgent = new Map<string, AgentSnapshot[]>();
  private readonly objectIdOf: ObjectIdOf;
  private readonly aiAgentsInfo: Row[] = [];
  private readonly agentsInfo: Row[] = [];

  constructor(
    snapshots: AgentSnapshot[],
    private readonly users: DirectoryUser[],
    private readonly now: Date,
  ) {
    for (const s of snapshots) {
      const list = this.byAgent.get(s.agentId);
      if (list) list.push(s);
      else this.byAgent.set(s.agentId, [s]);
    }
    const ids = new Map(users.map((u) => [u.upn.toLowerCase(), u.id]));
    this.objectIdOf = (upn) => ids.get(upn.toLowerCase()) ?? guidOf(`upn:${upn.toLowerCase()}`);
  }

  /** Each of the agent's stored snapshots older than its current state, then the current record. */
  add(agent: Agent): void {
    const push = (a: Agent, at: Date) => {
      const rows = agentRows(a, at, this.objectIdOf);
      this.aiAgentsInfo.push(rows.aiAgentsInfo);
      this.agentsInfo.push(rows.agentsInfo);
    };
    const history = (this.byAgent.get(agent.id) ?? []).sort((a, b) => (a.takenAt < b.takenAt ? -1 : 1));
    let current = agent.lastModifiedAt;
    if (agent.blockedAt && agent.blockedAt > current) current = agent.blockedAt;
    const newest = history[history.length - 1];
    if (newest && newest.takenAt > current) current = newest.takenAt;
    for (const s of history) {
      if (s.takenAt >= current) continue;
      push(s.agent, new Date(s.takenAt));
    }
    push(agent, new Date(current));
  }

  tables(agents: Agent[]): AgentTables {
    const identityInfo: Row[] = this.users.map((u) => ({
      Timestamp: this.now,
      AccountObjectId: u.id,
      AccountUpn: u.upn,
      AccountUPN: u.upn,
      AccountDisplayName: u.displayName,
      IsAccountEnabled: u.accountEnabled,
      Department: u.department,
      JobTitle: u.jobTitle,
    }));
    return {
      AIAgentsInfo: this.aiAgentsInfo,
      AgentsInfo: this.agentsInfo,
      IdentityInfo: identityInfo,
      CloudAppEvents: cloudAppEvents(agents, this.now),
    };
  }
}

/**
 * The last Copilot Studio interaction with each agent someone used, as Defender for Cloud Apps records it:
 * `RawEventData.AppIdentity` is "Copilot.Studio.<bot id>-<schema name>".
 */
function cloudAppEvents(agents: Agent[], now: Date): Row[] {
  const out: Row[] = [];
  for (const agent of agents) {
    if (agent.platform !== 'copilotStudio' || !agent.lastActivityAt || agent.lastActivityAt > now.toISOString()) {
      continue;
    }
    out.push({
      Timestamp: new Date(agent.lastActivityAt),
      ActionType: 'CopilotInteraction',
      Application: 'Microsoft Copilot Studio',
      ApplicationId: 0,
      AccountObjectId: '',
      AccountDisplayName: '',
      ObjectName: agent.name,
      ObjectId: agent.id,
      RawEventData: {
        AppIdentity: `Copilot.Studio.${agent.id}-${schemaNameOf(agent)}`,
        CopilotEventData: { AppHost: 'Copilot Studio', AgentId: agent.id, AgentName: agent.name },
      },
    });
  }
  return out;
}

/** Where a run gets its tables from. */
export interface HuntingTableSource {
  current(): Promise<HuntingTableSet>;
}

/** Fixed tables (tests, benchmarks, an imported snapshot). */
export const staticTables = (tables: HuntingTableSet): HuntingTableSource => ({ current: async () => tables });

/** At most this many decisions and alerts (the newest) make the runtime tables. */
export const MAX_RUNTIME_ROWS = 200_000;

/** Agents whose rows are built between two yields to the event loop: a short pause of the request thread. */
const AGENTS_PER_SLICE = 100;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The tables over the store, in two parts rebuilt apart when their sources move (store/hunting-versions.ts): the
 * agent part when agents, snapshots or users change, the runtime part when events or alerts do (or the agent part
 * was rebuilt). Building yields to the event loop every few agents, so other requests go on meanwhile.
 */
export class HuntingTables implements HuntingTableSource {
  private agents: {
    version: number;
    generation: number;
    tables: AgentTables;
    refs: Agent[];
    users: DirectoryUser[];
  } | null = null;
  private runtime: { key: string; generation: number; tables: RuntimeTableSet } | null = null;
  private cached: { key: string; tables: HuntingTableSet } | null = null;
  private building: Promise<HuntingTableSet> | null = null;
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
  ) {}

  async current(): Promise<HuntingTableSet> {
    const versions = await huntingSourceVersions(this.store.db);
    const key = `${versions.agents}:${versions.runtime}`;
    if (this.cached?.key === key) return this.cached.tables;
    if (!this.building) {
      this.building = this.build(versions, key).finally(() => {
        this.building = null;
      });
    }
    return this.building;
  }

  private async build(versions: { agents: number; runtime: number }, key: string): Promise<HuntingTableSet> {
    const now = this.clock();
    if (this.agents?.version !== versions.agents) {
      const [agents, snapshots, users] = await Promise.all([
        this.store.agents.all(),
        this.store.snapshots.all(),
        this.store.users.all(),
      ]);
      const builder = new AgentTableBuilder(snapshots, users, now);
      for (let i = 0; i < agents.length; i += 1) {
        builder.add(agents[i] as Agent);
        if (i % AGENTS_PER_SLICE === AGENTS_PER_SLICE - 1) await yieldToEventLoop();
      }
      this.generation += 1;
      this.agents = {
        version: versions.agents,
        generation: this.generation,
        tables: builder.tables(agents),
        refs: agents,
        users,
      };
    }
    const agentPart = this.agents;
    const runtimeKey = `${agentPart.generation}:${versions.runtime}`;
    if (this.runtime?.key !== runtimeKey) {
      const since = new Date(now.getTime() - RUNTIME_RETENTION_DAYS * 86_400_000).toISOString();
      const [events, alerts] = await Promise.all([
        this.store.incidents.eventsSince(since, MAX_RUNTIME_ROWS),
        this.store.incidents.alertsSince(since, MAX_RUNTIME_ROWS),
      ]);
      this.generation += 1;
      this.runtime = {
        key: runtimeKey,
        generation: this.generation,
        tables: buildRuntimeTables({ events, alerts }, agentPart.refs, agentPart.users),
      };
    }
    const tables: HuntingTableSet = {
      ...agentPart.tables,
      ...this.runtime.tables,
      version: this.generation,
      builtAt: now,
      parts: { agents: agentPart.generation, runtime: this.runtime.generation },
    };
    this.cached = { key, tables };
    return tables;
  }
}
