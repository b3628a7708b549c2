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
import type { Column, Row, Value } from './kql/values.js';
import type { Store } from '../store/store.js';
import {
  dropHuntingTableTokensBelow,
  huntingSourceVersions,
  huntingTableToken,
  huntingTableTokensBelow,
} from '../store/hunting-versions.js';
import type { PackedColumn } from './query-worker/packed-tables.js';
import {
  IN_FILE_MIN_BYTES,
  holdsPacked,
  packColumn,
  rowsFromColumns,
  unpackColumn,
} from './query-worker/packed-tables.js';
import { SnapshotBuild } from './query-worker/table-build.js';
import type { PackedColumnFiles } from './table-cache.js';
import type { RuntimeTableSet } from './runtime-tables.js';
import {
  RUNTIME_DESCRIPTIONS,
  RUNTIME_RETENTION_DAYS,
  RUNTIME_SCHEMAS,
  buildRuntimeTables,
  buildRuntimeTablesYielding,
} from './runtime-tables.js';

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

/** The type of a table's column (dynamic for one the schemas do not know). */
export const huntingColumnType = (table: string, column: string): Column['type'] =>
  HUNTING_SCHEMAS[table]?.find((c) => c.name === column)?.type ?? 'dynamic';

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
export function schemaNameOf(agent: Pick<Agent, 'name' | 'environmentId'>): string {
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

/** The two tables of one row per agent snapshot: the bulk of the hunting data, kept packed on disk. */
const SNAPSHOT_TABLES = ['AIAgentsInfo', 'AgentsInfo'] as const;
export type SnapshotTable = (typeof SNAPSHOT_TABLES)[number];
const isSnapshotTable = (table: string): table is SnapshotTable =>
  (SNAPSHOT_TABLES as readonly string[]).includes(table);

/**
 * The agent part's snapshot rows, an agent at a time, each pair given to `sink` as it is made and not kept: the
 * table builder packs their cells at once (table-builder.ts), so 100,000 agents' rows are never all held.
 */
export class SnapshotTableBuilder {
  private readonly byAgent = new Map<string, AgentSnapshot[]>();
  private readonly objectIdOf: ObjectIdOf;

  constructor(
    snapshots: AgentSnapshot[],
    users: DirectoryUser[],
    private readonly sink: (rows: { aiAgentsInfo: Row; agentsInfo: Row }) => void,
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
    const push = (a: Agent, at: Date) => this.sink(agentRows(a, at, this.objectIdOf));
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
}

/** The agent fields IdentityInfo's neighbours need: CloudAppEvents and the runtime tables' names. */
type AgentSummary = Pick<Agent, 'id' | 'name' | 'platform' | 'environmentId' | 'lastActivityAt'>;

/** The directory's accounts as of `now`. */
function identityInfo(users: DirectoryUser[], now: Date): Row[] {
  return users.map((u) => ({
    Timestamp: now,
    AccountObjectId: u.id,
    AccountUpn: u.upn,
    AccountUPN: u.upn,
    AccountDisplayName: u.displayName,
    IsAccountEnabled: u.accountEnabled,
    Department: u.department,
    JobTitle: u.jobTitle,
  }));
}

/**
 * The last Copilot Studio interaction with each agent someone used, as Defender for Cloud Apps records it:
 * `RawEventData.AppIdentity` is "Copilot.Studio.<bot id>-<schema name>".
 */
function cloudAppEvents(agents: AgentSummary[], now: Date, out: Row[] = []): Row[] {
  const until = now.toISOString();
  for (const agent of agents) {
    if (agent.platform !== 'copilotStudio' || !agent.lastActivityAt || agent.lastActivityAt > until) continue;
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
  const AIAgentsInfo: Row[] = [];
  const AgentsInfo: Row[] = [];
  const builder = new SnapshotTableBuilder(snapshots, users, (rows) => {
    AIAgentsInfo.push(rows.aiAgentsInfo);
    AgentsInfo.push(rows.agentsInfo);
  });
  for (const agent of agents) builder.add(agent);
  return {
    AIAgentsInfo,
    AgentsInfo,
    IdentityInfo: identityInfo(users, now),
    CloudAppEvents: cloudAppEvents(agents, now),
    ...buildRuntimeTables(activity, agents, users),
    version,
    builtAt: now,
    parts: { agents: version, runtime: version },
  };
}

/** The part a table belongs to. */
export const partOf = (table: HuntingTableName): HuntingPart =>
  (HUNTING_PARTS.runtime as string[]).includes(table) ? 'runtime' : 'agents';

/**
 * The hunting tables at one version of their sources, as a query reads them: a column at a time in its packed
 * form, each made (or read from disk) when first asked.
 */
export interface HuntingTablesAt {
  /** Grows with every new version of either part (the API's `stats.dataVersion`). */
  version: number;
  /** Each part's version: a query thread holds one version of each table. */
  parts: Record<HuntingPart, number>;
  rowCount(table: HuntingTableName): Promise<number>;
  /**
   * One column, packed; a column kept on disk is left in its file from `inFileFrom` packed bytes, if it is text or
   * dynamic (packed-tables.ts holdsPacked: the query threads read its cells from there).
   */
  column(table: HuntingTableName, column: Column, inFileFrom?: number): Promise<PackedColumn>;
  /**
   * Set when the agent tables are those of an earlier version because the current one is still being made (at a
   * large tenant, seconds after a change): when that earlier version was first read. Absent when they are current.
   */
  agentTablesAsOf?: Date;
}

/** The tables a query was given are gone (a file of theirs did not read back): ask for the current ones again. */
export class HuntingTablesMovedError extends Error {}

/** Where a run gets its tables from. */
export interface HuntingTableSource {
  at(): Promise<HuntingTablesAt>;
  /**
   * A column of `table` at `version` did not read back in a query thread: what it was made from is not offered
   * again (a version no longer offered, whose files may be gone already, changes nothing).
   */
  unreadable?(table: HuntingTableName, version: number): void;
  /** Stops a build in progress and waits for the files being written (the server is closing). */
  close?(): Promise<void>;
  /** Resolves once the tables `at()` gives are current (no earlier version answers for one being made). */
  settled?(): Promise<void>;
}

/** Built tables as a query reads them (tests, benchmarks, an imported snapshot). */
export function tablesAt(tables: HuntingTableSet): HuntingTablesAt {
  return {
    version: tables.version,
    parts: tables.parts,
    rowCount: async (table) => tables[table].length,
    column: (table, column) => packColumn(table, column, tables[table], tables.parts[partOf(table)]),
  };
}

/** Fixed tables (tests, benchmarks, an imported snapshot). */
export const staticTables = (tables: HuntingTableSet): HuntingTableSource => ({ at: async () => tablesAt(tables) });

/**
 * When an earlier version of the agent tables answers for one being made. After a change the agent tables are made
 * again from the store (17-22 s at 100,000 agents): a query waits `freshWaitMs` for them, then the last complete
 * version answers it, marked with `agentTablesAsOf`, and the new one replaces it once made (the background
 * preparation starts that within seconds of a change while people hunt). Only from `staleFromRows` AIAgentsInfo rows:
 * below, the tables are made within the wait and every query sees a change at once.
 */
export interface FreshnessOptions {
  freshWaitMs?: number;
  staleFromRows?: number;
}
/** Above `staleFromRows` a build takes seconds: waiting longer than a moment for one rarely sees it done. */
export const DEFAULT_FRESH_WAIT_MS = 250;
export const DEFAULT_STALE_FROM_ROWS = 5000;

/** At most this many decisions and alerts (the newest) make the runtime tables. */
export const MAX_RUNTIME_ROWS = 200_000;

/**
 * After a restart on changed data, how long the current version's build waits while the tables an earlier process
 * left answer: time for the first queries to read their columns from disk before the build reads every agent through
 * the request thread (at 100,000 agents on two cores, the two together made the first hunt 4.9 s instead of 2.4 s).
 */
const INHERITED_BUILD_DELAY_MS = 5000;

/** Earlier versions' tokens looked at, newest first, for one complete on disk (`AgentPart.earlier`). */
const EARLIER_VERSIONS_TRIED = 5;

/** Agents whose CloudAppEvents rows are made between two yields to the event loop. */
const AGENTS_PER_SLICE = 2000;

/** The snapshot tables' columns: what a build packs and a version's files hold. */
export const SNAPSHOT_COLUMNS = SNAPSHOT_TABLES.flatMap((table) =>
  (HUNTING_SCHEMAS[table] ?? []).map((c) => ({ table, column: c.name })),
);

/**
 * One version of the agent part, made when first read: the snapshot tables (AIAgentsInfo, AgentsInfo) from the
 * files an earlier build left on disk when the database still holds their token, else built from every agent and
 * snapshot in a thread of their own (query-worker/table-build.ts), then written to disk a column at a time;
 * IdentityInfo and CloudAppEvents from the directory and a few fields of each agent. Once every snapshot column of a
 * build is on disk, the build is let go: the files answer.
 */
class AgentPart {
  /** The build of the snapshot tables in a thread of its own, until its columns are all on disk. */
  private build: SnapshotBuild | null = null;
  private neighbours: Promise<{
    tables: Pick<HuntingTableSet, 'IdentityInfo' | 'CloudAppEvents'>;
    refs: PartRefs;
  }> | null = null;
  private readonly snapshotRows = new Map<SnapshotTable, Promise<Row[]>>();
  /** Snapshot columns written to disk in this process. */
  private readonly written = new Set<string>();
  private writeKey: Promise<string | null> | null = null;
  private warned = false;
  private closing = false;
  /** Writes one after another (a column is up to hundreds of MB). */
  private writing: Promise<void> = Promise.resolve();
  /** Every table of the part made (and, with files, on disk): see `whenComplete()`. */
  private completing: Promise<void> | null = null;
  private completed = false;
  /** Packed bytes from which a column of text or dynamic values is read from its file (the least asked for). */
  private inFileFrom = IN_FILE_MIN_BYTES;

  constructor(
    private readonly store: Store,
    private readonly files: PackedColumnFiles | null,
    /** The database's version of the part (hunting_agents_seq). */
    readonly sourceVersion: number,
    /** This process's version of it: what the query threads are told. */
    readonly generation: number,
    private readonly now: Date,
    /** The directory of this version's complete files, when an earlier build left them. */
    private diskKey: string | null,
    /** Called when a file of this part does not read back: the tables make the part again. */
    private readonly spoiled: () => void,
    /** Left on disk by an earlier process (`earlier()`): any version this process makes complete replaces it. */
    readonly inherited = false,
  ) {}

  /** The part at the database's version `sourceVersion`, with its files when they are all there. */
  static async open(
    store: Store,
    files: PackedColumnFiles | null,
    sourceVersion: number,
    generation: number,
    now: Date,
    spoiled: () => void,
  ): Promise<AgentPart> {
    let diskKey: string | null = null;
    if (files) {
      const token = await huntingTableToken(store.db, 'agents', sourceVersion, false);
      const key = token ? files.key('agents', sourceVersion, token) : null;
      if (key && (await files.hasAll(key, SNAPSHOT_COLUMNS))) diskKey = key;
    }
    return new AgentPart(store, files, sourceVersion, generation, now, diskKey, spoiled);
  }

  /**
   * The newest complete version older than `below` that an earlier process left on disk, its token still in the
   * database: after a restart on changed data it answers, marked, while `below` is made. Its IdentityInfo and
   * CloudAppEvents are made from the store as it is now.
   */
  static async earlier(
    store: Store,
    files: PackedColumnFiles,
    below: number,
    generation: number,
    spoiled: () => void,
  ): Promise<AgentPart | null> {
    for (const { version, token } of await huntingTableTokensBelow(store.db, 'agents', below, EARLIER_VERSIONS_TRIED)) {
      const key = files.key('agents', version, token);
      if (!(await files.hasAll(key, SNAPSHOT_COLUMNS))) continue;
      return new AgentPart(store, files, version, generation, await files.openedAt(key), key, spoiled, true);
    }
    return null;
  }

  /** A table's rows: IdentityInfo's and CloudAppEvents' for packing; the snapshot tables' for tests (current()). */
  async rows(table: HuntingTableName): Promise<Row[]> {
    if (!isSnapshotTable(table)) {
      return (await this.neighbourTables()).tables[table as 'IdentityInfo' | 'CloudAppEvents'];
    }
    let rows = this.snapshotRows.get(table);
    if (!rows) {
      rows = (async () => {
        const schema = HUNTING_SCHEMAS[table] ?? [];
        const columns = new Map<string, Value[]>();
        for (const c of schema) columns.set(c.name, unpackColumn(await this.column(table, c), c.type));
        return rowsFromColumns(schema, columns.get('Timestamp')?.length ?? 0, columns);
      })();
      this.snapshotRows.set(table, rows);
    }
    return rows;
  }

  async rowCount(table: HuntingTableName): Promise<number> {
    if (!isSnapshotTable(table)) return (await this.rows(table)).length;
    if (this.diskKey && !this.build) {
      return (this.files as PackedColumnFiles).rowCount(this.diskKey, table, 'Timestamp');
    }
    return (await this.snapshotColumn(table, 'Timestamp')).rowCount;
  }

  async column(table: HuntingTableName, column: Column, inFileFrom = Number.POSITIVE_INFINITY): Promise<PackedColumn> {
    this.inFileFrom = Math.min(this.inFileFrom, inFileFrom);
    if (!isSnapshotTable(table)) return packColumn(table, column, await this.rows(table), this.generation);
    if (this.diskKey && !this.build) {
      // A file that does not read back (cut short, changed) is not read again: the query asks for the tables again.
      return (this.files as PackedColumnFiles)
        .read(this.diskKey, table, column.name, this.generation, (length) =>
          holdsPacked(column.type, length, inFileFrom),
        )
        .catch(async (error: unknown) => {
          this.spoiled();
          await this.discardFiles();
          throw new HuntingTablesMovedError(error instanceof Error ? error.message : String(error));
        });
    }
    return this.snapshotColumn(table, column.name);
  }

  /** Whether every table of the part can be read without waiting for a build: its files are all on disk, or built. */
  get complete(): boolean {
    return this.completed || (this.diskKey !== null && !this.build);
  }

  /**
   * Makes every table of the part (the snapshot tables' columns, written to disk with files; IdentityInfo and
   * CloudAppEvents) and resolves once done; started once. A failed build is started again by the next call.
   */
  whenComplete(): Promise<void> {
    if (this.complete) return Promise.resolve();
    this.completing ??= (async () => {
      await Promise.all(SNAPSHOT_COLUMNS.map((c) => this.snapshotColumn(c.table, c.column)));
      await this.neighbourTables();
      await this.writing;
      this.completed = true;
    })();
    const completing = this.completing;
    completing.catch(() => {
      if (this.completing === completing) this.completing = null;
    });
    return completing;
  }

  /** The directory of this version's files once complete on disk (older versions' directories can go then). */
  get filesKey(): string | null {
    return this.diskKey;
  }

  /** When this part was opened: the time its version was first read. */
  get openedAt(): Date {
    return this.now;
  }

  /** What the runtime tables name: every agent's id, name and platform, and the directory. */
  async refs(): Promise<PartRefs> {
    return (await this.neighbourTables()).refs;
  }

  /** Stops the build, if one runs, and waits for the column being written; nothing is written after. */
  async close(): Promise<void> {
    this.build?.cancel();
    await this.retire();
  }

  /** Writes no further column (a newer version replaced this one); resolves once the write in progress is done. */
  retire(): Promise<void> {
    this.closing = true;
    return this.writing;
  }

  /** A column of this version did not read back in a query thread: the tables stop offering it, its files go. */
  async unreadable(): Promise<void> {
    this.spoiled();
    await this.discardFiles();
  }

  /** A file of this version did not read back: it and its siblings are deleted (a new part is built). */
  async discardFiles(): Promise<void> {
    const key = this.diskKey ?? (this.writeKey ? await this.writeKey : null);
    this.diskKey = null;
    if (key && this.files) await this.files.remove(key).catch(() => undefined);
  }

  /** A column of the build, started by the first column asked for; a failed build is started again. */
  private snapshotColumn(table: SnapshotTable, column: string): Promise<PackedColumn> {
    if (!this.build || this.build.failed) {
      const store = this.store;
      this.build = SnapshotBuild.start(
        {
          agentCount: () => store.agents.estimatedCount(),
          snapshotPages: () => store.snapshots.textPages(),
          users: () => store.users.all(),
          agentPages: () => store.agents.textPages(),
        },
        this.generation,
        SNAPSHOT_COLUMNS,
        (packed) => {
          this.writing = this.writing.then(() => this.keep(packed));
        },
      );
    }
    return this.build.column(table, column);
  }

  private neighbourTables() {
    this.neighbours ??= (async () => {
      const [agents, users] = await Promise.all([this.store.agents.summaries(), this.store.users.all()]);
      // On the request thread: 100,000 agents' events made at once held it for a few hundred ms.
      const events: Row[] = [];
      for (let i = 0; i < agents.length; i += AGENTS_PER_SLICE) {
        cloudAppEvents(agents.slice(i, i + AGENTS_PER_SLICE), this.now, events);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return {
        tables: { IdentityInfo: identityInfo(users, this.now), CloudAppEvents: events },
        refs: { agents, users },
      };
    })();
    return this.neighbours;
  }

  /**
   * Writes a built column to disk; once all are there, the build goes (later columns are read from the files). A
   * failure to write leaves the build in memory and nothing half-written on disk.
   */
  private async keep(packed: PackedColumn): Promise<void> {
    if (!this.files || this.closing) return;
    const files = this.files;
    try {
      this.writeKey ??= huntingTableToken(this.store.db, 'agents', this.sourceVersion, true).then(async (token) => {
        if (!token) return null;
        const key = files.key('agents', this.sourceVersion, token);
        await files.markOpenedAt(key, this.now);
        return key;
      });
      const key = await this.writeKey;
      if (!key) return;
      const file = await files.write(key, packed);
      this.written.add(`${packed.table}.${packed.column}`);
      // A large column of text or dynamic values is read from its file from now on, also by whoever holds it
      // already (the queries' packed columns): its shared buffer goes once the query threads have read it.
      const type = HUNTING_SCHEMAS[packed.table]?.find((c) => c.name === packed.column)?.type;
      if (type && packed.buffer && holdsPacked(type, packed.buffer.byteLength, this.inFileFrom)) {
        packed.file = file;
        packed.buffer = null;
      }
      if (this.written.size === SNAPSHOT_COLUMNS.length && (await files.hasAll(key, SNAPSHOT_COLUMNS))) {
        this.diskKey = key;
        this.build = null;
        // Older versions' files are not read again: their tokens go (their directories once this one answers).
        await dropHuntingTableTokensBelow(this.store.db, 'agents', this.sourceVersion);
      }
    } catch (error) {
      // Once per version: a full disk or a read-only DATA_DIR fails every column alike.
      if (!this.warned) {
        this.warned = true;
        console.warn(`hunting tables: not kept on disk; a restart builds them again (${(error as Error).message})`);
      }
    }
  }
}

type PartRefs = { agents: AgentSummary[]; users: DirectoryUser[] };

/**
 * The tables over the store, in two parts made apart when their sources move (store/hunting-versions.ts): the
 * agent part when agents, snapshots or users change, the runtime part when events or alerts do (or the agent part
 * moved). Nothing is built until a query reads it, and then only the tables it reads; the agents' rows are built off
 * the request thread, so other requests go on meanwhile. With `files`, the agent part's snapshot tables are kept
 * on disk and a restart reads them back instead of building them (table-cache.ts).
 */
export class HuntingTables implements HuntingTableSource {
  /** The agent part at the database's version (possibly still being made). */
  private agents: Promise<AgentPart> | null = null;
  /** The newest agent part made complete: it answers while a newer one is made (`freshWaitMs`). */
  private ready: AgentPart | null = null;
  /** Its AIAgentsInfo rows, read once when it became ready (its files are not read again at every query). */
  private readyRows: Promise<number> = Promise.resolve(0);
  /** Replaced parts' writes in progress. */
  private readonly retiring = new Set<Promise<void>>();
  private agentsVersion = -1;
  private runtime: {
    key: string;
    generation: number;
    tables: Promise<RuntimeTableSet> | null;
  } | null = null;
  private cached: { key: string; tables: HuntingTableSet } | null = null;
  private generation = 0;
  /** The look for an earlier version on disk (`openEarlier`), once a process. */
  private earlier: Promise<void> | null = null;
  /** The build put off while an earlier process's tables answer (`completeLater`). */
  private deferred: { part: AgentPart; timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date,
    private readonly files: PackedColumnFiles | null = null,
    private readonly options: FreshnessOptions = {},
  ) {}

  async at(): Promise<HuntingTablesAt> {
    const versions = await huntingSourceVersions(this.store.db);
    const now = this.clock();
    let current = this.agents;
    if (!current || this.agentsVersion !== versions.agents) {
      this.generation += 1;
      this.agentsVersion = versions.agents;
      const opening: Promise<AgentPart> = AgentPart.open(
        this.store,
        this.files,
        versions.agents,
        this.generation,
        now,
        () => {
          if (this.agents === opening) this.replaceAgents(null);
          void opening.then((part) => {
            if (this.ready === part) this.ready = null;
          });
        },
      );
      this.replaceAgents(opening);
      // A failed opening is tried again by the next query.
      opening.catch(() => {
        if (this.agents === opening) this.agents = null;
      });
      current = opening;
    }
    const newest = await current;
    if (!newest.complete && !this.ready && this.files) {
      // The first query after a restart on changed data: an earlier version on disk can answer while this one is made.
      this.earlier ??= this.openEarlier(this.files, newest.sourceVersion);
      await this.earlier;
    }
    const agents = await this.answering(newest);
    const stale = agents !== newest;
    const runtimeKey = `${agents.generation}:${versions.runtime}`;
    if (this.runtime?.key !== runtimeKey) {
      this.generation += 1;
      this.runtime = { key: runtimeKey, generation: this.generation, tables: null };
    }
    const runtime = this.runtime;
    const runtimeTables = () => {
      runtime.tables ??= this.buildRuntime(agents, now);
      const building = runtime.tables;
      building.catch(() => {
        if (runtime.tables === building) runtime.tables = null;
      });
      return building;
    };
    const rows = async (table: HuntingTableName) =>
      partOf(table) === 'agents' ? agents.rows(table) : (await runtimeTables())[table as keyof RuntimeTableSet];
    return {
      version: Math.max(agents.generation, runtime.generation),
      parts: { agents: agents.generation, runtime: runtime.generation },
      rowCount: async (table) => (partOf(table) === 'agents' ? agents.rowCount(table) : (await rows(table)).length),
      column: async (table, column, inFileFrom) =>
        partOf(table) === 'agents'
          ? agents.column(table, column, inFileFrom)
          : packColumn(table, column, await rows(table), runtime.generation),
      ...(stale ? { agentTablesAsOf: agents.openedAt } : {}),
    };
  }

  /**
   * The agent part a query reads: the newest once complete; while it is made, the last complete one if the newest
   * is not complete within `freshWaitMs`; the newest itself when no earlier one is complete (the first query after
   * a start waits for the tables it reads, as before). The newest is made complete in the background either way.
   */
  private async answering(newest: AgentPart): Promise<AgentPart> {
    if (newest.complete) {
      this.promote(newest);
      return newest;
    }
    const ready = this.ready;
    // A small tenant's tables are made in well under a second: its queries wait and see a change at once.
    const staleFrom = this.options.staleFromRows ?? DEFAULT_STALE_FROM_ROWS;
    if (!ready || ready === newest || (await this.readyRows) < staleFrom) {
      void this.completion(newest);
      return newest;
    }
    if (ready.inherited) {
      // After a restart on changed data the tables on disk answer at once. The new version's build reads every agent
      // through the request thread: it starts once the first queries have read their columns, or when something
      // waits for it (settled()).
      this.completeLater(newest);
      return ready;
    }
    const completing = this.completion(newest);
    let timer: NodeJS.Timeout | undefined;
    const wait = this.options.freshWaitMs ?? DEFAULT_FRESH_WAIT_MS;
    const fresh = await Promise.race([
      completing,
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), wait))),
    ]);
    clearTimeout(timer);
    return fresh && newest.complete ? newest : ready;
  }

  /** Makes `newest` complete; then it answers, even when a newer version replaced it meanwhile. */
  private completion(newest: AgentPart): Promise<boolean> {
    return newest.whenComplete().then(
      () => {
        // Agents that change more often than a build takes still get tables at most one build old, not the first
        // ones forever.
        if (!this.ready || this.ready.inherited || newest.generation > this.ready.generation) this.promote(newest);
        return true;
      },
      () => false,
    );
  }

  /** `completion(newest)` in INHERITED_BUILD_DELAY_MS, once per part. */
  private completeLater(newest: AgentPart): void {
    if (this.deferred?.part === newest) return;
    if (this.deferred) clearTimeout(this.deferred.timer);
    const timer = setTimeout(() => void this.completion(newest), INHERITED_BUILD_DELAY_MS);
    timer.unref();
    this.deferred = { part: newest, timer };
  }

  /** Looked for once a process: the newest complete version an earlier process left on disk becomes `ready`. */
  private async openEarlier(files: PackedColumnFiles, below: number): Promise<void> {
    this.generation += 1;
    const part = await AgentPart.earlier(this.store, files, below, this.generation, () => {
      if (this.ready === part) this.ready = null;
    }).catch((error: unknown) => {
      console.warn(`hunting tables: earlier versions on disk not read (${(error as Error).message})`);
      return null;
    });
    // Its directory is not the only one kept (`promote`'s keepOnly): the current version's build writes beside it.
    if (part && !this.ready) this.answerFrom(part);
  }

  /** `part` answers while a newer one is made; its row count is read once, here, not at every query. */
  private answerFrom(part: AgentPart): void {
    this.ready = part;
    this.readyRows = part.rowCount('AIAgentsInfo').catch(() => 0);
  }

  /** `part` becomes the last complete part; the one it replaces writes nothing more and its files go. */
  private promote(part: AgentPart): void {
    const previous = this.ready;
    if (previous === part) return;
    this.answerFrom(part);
    if (previous) void previous.retire();
    const key = part.filesKey;
    if (key && this.files) void this.files.keepOnly(key).catch(() => undefined);
  }

  async settled(): Promise<void> {
    for (;;) {
      const at = await this.at();
      if (!at.agentTablesAsOf) return;
      const newest = await this.agents;
      await newest?.whenComplete();
    }
  }

  async close(): Promise<void> {
    if (this.deferred) clearTimeout(this.deferred.timer);
    const part = await this.agents?.catch(() => null);
    await part?.close();
    await Promise.all(this.retiring);
  }

  unreadable(table: HuntingTableName, version: number): void {
    if (partOf(table) !== 'agents') return;
    const ready = this.ready;
    void (async () => {
      const current = await this.agents?.catch(() => null);
      // The part of that version, the current one or the earlier one answering meanwhile, is not read again. A
      // version replaced since (its directory removed once the next one answered) says nothing of those.
      const part = [current, ready].find((p) => p?.generation === version);
      await part?.unreadable();
    })().catch(() => undefined);
  }

  /**
   * Puts `next` in the current part's place; the one replaced writes no further column (its files are of an older
   * version) and its write in progress is waited for on close. Its build goes on for the queries that wait for it.
   */
  private replaceAgents(next: Promise<AgentPart> | null): void {
    const previous = this.agents;
    this.agents = next;
    if (!previous) return;
    const retiring: Promise<void> = previous.then((p) => p.retire()).catch(() => undefined);
    this.retiring.add(retiring);
    void retiring.finally(() => this.retiring.delete(retiring));
  }

  /** Every table, built (tests); the same object while nothing changed. */
  async current(): Promise<HuntingTableSet> {
    const at = await this.at();
    const key = `${at.parts.agents}:${at.parts.runtime}`;
    if (this.cached?.key === key) return this.cached.tables;
    const part = (await this.agents) as AgentPart;
    const runtime = await this.buildRuntime(part, this.clock());
    const tables: HuntingTableSet = {
      AIAgentsInfo: await part.rows('AIAgentsInfo'),
      AgentsInfo: await part.rows('AgentsInfo'),
      IdentityInfo: await part.rows('IdentityInfo'),
      CloudAppEvents: await part.rows('CloudAppEvents'),
      ...runtime,
      version: at.version,
      builtAt: this.clock(),
      parts: at.parts,
    };
    this.cached = { key, tables };
    return tables;
  }

  private async buildRuntime(agents: AgentPart, now: Date): Promise<RuntimeTableSet> {
    const since = new Date(now.getTime() - RUNTIME_RETENTION_DAYS * 86_400_000).toISOString();
    const [events, alerts, refs] = await Promise.all([
      this.store.incidents.eventsSince(since, MAX_RUNTIME_ROWS),
      this.store.incidents.alertsSince(since, MAX_RUNTIME_ROWS),
      agents.refs(),
    ]);
    return buildRuntimeTablesYielding({ events, alerts }, refs.agents, refs.users);
  }
}
