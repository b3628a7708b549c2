import type {
  AgentTool,
  AgentTopic,
  AgentTrigger,
  ConnectionMode,
  KnowledgeKind,
  KnowledgeSource,
  OperationAccess,
  ToolCapability,
  ToolKind,
} from '../../../domain/types.js';

// Small builders for the parts of an agent, so the agent lists read as data rather than as
// a wall of repeated defaults.

export interface ToolSpec {
  id: string;
  name: string;
  description: string;
  capability?: ToolCapability;
  /** `name:access` pairs, e.g. `GetInvoice:read`. */
  operations: string[];
  mode?: ConnectionMode;
  headers?: Record<string, string>;
  recipientsFromModel?: boolean;
}

const operationsOf = (ops: string[]) =>
  ops.map((o) => {
    const [name, access] = o.split(':') as [string, OperationAccess | undefined];
    return { name, access: access ?? 'read' };
  });

function tool(kind: ToolKind, spec: ToolSpec, connector: string | null, serverUrl: string | null): AgentTool {
  return {
    id: spec.id,
    name: spec.name,
    kind,
    description: spec.description,
    capability: spec.capability ?? 'data',
    connector,
    serverUrl,
    connectionMode: spec.mode ?? 'user',
    operations: operationsOf(spec.operations),
    headers: spec.headers ?? {},
    recipientsFromModel: spec.recipientsFromModel ?? false,
  };
}

export const connectorTool = (connector: string, spec: ToolSpec) => tool('connector', spec, connector, null);
export const mcpTool = (serverUrl: string, spec: ToolSpec) => tool('mcpServer', spec, null, serverUrl);
export const httpTool = (url: string, spec: ToolSpec) => tool('http', { capability: 'http', ...spec }, null, url);
export const flowTool = (spec: ToolSpec) => tool('flow', spec, null, null);
export const prebuiltTool = (spec: ToolSpec) => tool('prebuilt', spec, null, null);

export const knowledge = (
  name: string,
  kind: KnowledgeKind,
  url: string | null,
  connectionMode: ConnectionMode = 'user',
): KnowledgeSource => ({ name, kind, url, connectionMode });

export const topics = (...names: string[]): AgentTopic[] =>
  names.map((name) => ({ name, usesAuthorCredentials: false }));

export const onMessage: AgentTrigger = { name: 'Conversation start', kind: 'message' };
export const trigger = (name: string, kind: AgentTrigger['kind']): AgentTrigger => ({ name, kind });

/** An Outlook "Send an email (V2)" tool, the usual way Copilot Studio agents send mail. */
export const sendEmailTool = (
  id: string,
  opts: { mode?: ConnectionMode; recipientsFromModel: boolean; description?: string },
): AgentTool =>
  connectorTool('Office 365 Outlook', {
    id,
    name: 'Send an email',
    description: opts.description ?? 'Sends an e-mail from the connected mailbox.',
    capability: 'email',
    operations: ['SendEmailV2:write'],
    mode: opts.mode ?? 'user',
    recipientsFromModel: opts.recipientsFromModel,
  });

export const sharePointSite = (site: string, library: string) =>
  `https://zava.sharepoint.com/sites/${site}/${encodeURIComponent(library)}`;
