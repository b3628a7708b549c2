import { isIP } from 'node:net';
import { z } from 'zod/v4';

/**
 * The Copilot Studio threat-detection webhook's wire format (docs/architecture.md, interface 1) and its
 * normalized form. Copilot Studio may send any field as null or leave it out, adds fields over time
 * and has two spellings of the previous tool outputs, so the schema is loose about presence and extra
 * keys, and strict only where a wrong shape would make the request meaningless (an object where a
 * list belongs). Scalars that should be strings also accept numbers and booleans.
 */

export const WEBHOOK_API_VERSION = '2025-05-01';

// ---- wire schema ---------------------------------------------------------------------------------

const scalar = z.union([z.string(), z.number(), z.boolean()]).nullish();
const flag = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False'])]).nullish();

const ChatTurnWire = z
  .looseObject({
    id: scalar,
    role: scalar,
    content: scalar,
    timestamp: scalar,
  })
  .nullable();

const PlannerContextWire = z.looseObject({
  userMessage: scalar,
  thought: scalar,
  chatHistory: z.array(ChatTurnWire).nullish(),
  // Observed as a list; the outputs themselves are whatever the tools returned.
  previousToolsOutputs: z.unknown(),
  previousToolOutputs: z.unknown(),
});

const ParameterWire = z
  .looseObject({
    name: scalar,
    description: scalar,
    type: z.looseObject({ $kind: scalar }).nullish(),
  })
  .nullable();

const ToolDefinitionWire = z.looseObject({
  id: scalar,
  type: scalar,
  name: scalar,
  description: scalar,
  inputParameters: z.array(ParameterWire).nullish(),
  outputParameters: z.unknown(),
});

const ConversationMetadataWire = z.looseObject({
  agent: z
    .looseObject({
      id: scalar,
      tenantId: scalar,
      environmentId: scalar,
      name: scalar,
      version: scalar,
      isPublished: flag,
    })
    .nullish(),
  user: z.looseObject({ id: scalar, tenantId: scalar }).nullish(),
  conversationId: scalar,
  messageId: scalar,
  channelId: scalar,
  planId: scalar,
  planStepId: scalar,
  parentAgentComponentId: scalar,
  trigger: z.looseObject({ id: scalar, schemaName: scalar }).nullish(),
  incomingClientIp: scalar,
});

/** The `analyze-tool-execution` request body as Copilot Studio sends it. */
export const ToolExecutionRequestWire = z.looseObject({
  plannerContext: PlannerContextWire.nullish(),
  toolDefinition: ToolDefinitionWire.nullish(),
  // Any object (a loose one, not z.record: the record refused an argument named "constructor", and threw on one
  // whose value was null, so a tool with such a parameter could not be checked).
  inputValues: z.looseObject({}).nullish(),
  conversationMetadata: ConversationMetadataWire.nullish(),
});
export type ToolExecutionRequestWireBody = z.infer<typeof ToolExecutionRequestWire>;

// ---- normalized form -----------------------------------------------------------------------------

export interface ChatTurn {
  id: string | null;
  /** As sent, lower-cased ("user", "assistant", ...). */
  role: string | null;
  content: string;
  timestamp: string | null;
}

export interface ToolExecutionRequest {
  userMessage: string | null;
  thought: string | null;
  chatHistory: ChatTurn[];
  /** `previousToolsOutputs` and `previousToolOutputs` merged, in that order. */
  previousToolOutputs: unknown[];
  tool: {
    id: string | null;
    name: string | null;
    description: string | null;
    /** "ToolDefinition" | "PrebuiltToolDefinition" | ... */
    type: string | null;
    inputParameters: string[];
    /** The input parameters with their descriptions and types, as sent (for tool-poisoning and rug-pull checks). */
    parameters: ToolParameter[];
  };
  /** The tool's arguments: parameter name -> any JSON value. */
  inputValues: Record<string, unknown>;
  agent: {
    id: string | null;
    tenantId: string | null;
    environmentId: string | null;
    name: string | null;
    version: string | null;
    isPublished: boolean | null;
  };
  user: { id: string | null; tenantId: string | null };
  conversationId: string | null;
  messageId: string | null;
  channelId: string | null;
  planId: string | null;
  planStepId: string | null;
  triggerSchemaName: string | null;
  /** A plain IPv4 or IPv6 address ("::ffff:78.131.11.108" becomes "78.131.11.108"); null when absent or invalid. */
  incomingClientIp: string | null;
}

export interface ToolParameter {
  name: string;
  description: string | null;
  /** `type.$kind` ("String", "Number", ...). */
  type: string | null;
}

export interface RequestIssue {
  /** Where in the body: "plannerContext.chatHistory[2].content", or "(body)". */
  path: string;
  message: string;
}

export type ToolExecutionParseResult =
  { ok: true; request: ToolExecutionRequest } | { ok: false; issues: RequestIssue[] };

/** Validates and normalizes an `analyze-tool-execution` body (already JSON-parsed). */
export function parseToolExecutionRequest(body: unknown): ToolExecutionParseResult {
  // Every call Copilot Studio makes comes here: a body of the schema's shape is read as it is (the schema's output
  // for such a body holds the same values); anything else goes through the schema, which names what is wrong.
  if (hasWireShape(body)) return { ok: true, request: normalize(body) };
  const parsed = ToolExecutionRequestWire.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  }
  return { ok: true, request: normalize(parsed.data) };
}

/**
 * The webhook's strict contract on top of the parse: a body that does not name its tool and its agent
 * (`{}`, `{"foo":"bar"}`, `{"toolDefinition":null}`) is not a tool execution; it is refused with 400
 * and nothing is stored. Empty when the request is one.
 */
export function missingToolExecutionFields(request: ToolExecutionRequest): RequestIssue[] {
  return REQUIRED_FIELDS.filter((f) => !f.value(request)?.trim()).map((f) => ({
    path: f.path,
    message: 'required: a tool execution names its tool and its agent',
  }));
}

const REQUIRED_FIELDS: { path: string; value: (r: ToolExecutionRequest) => string | null }[] = [
  { path: 'toolDefinition.id', value: (r) => r.tool.id },
  { path: 'conversationMetadata.agent.id', value: (r) => r.agent.id },
];

// ---- the schema's shape, checked by hand -------------------------------------------------------------
// The same constraints as ToolExecutionRequestWire, never looser (a body passing here passes the schema, which
// tests/protection/webhook-schema.property.test.ts checks on random bodies): a call's parse and normalize take
// 6.8 µs this way against 13.1 µs through the schema.

type Shape = (v: unknown) => boolean;

const isObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const isScalar: Shape = (v) =>
  v === null ||
  v === undefined ||
  typeof v === 'string' ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v));
const nullish =
  (shape: Shape): Shape =>
  (v) =>
    v === null || v === undefined || shape(v);
const nullable =
  (shape: Shape): Shape =>
  (v) =>
    v === null || shape(v);
const FLAG_TEXTS: unknown[] = ['true', 'false', 'True', 'False'];
const isFlag: Shape = nullish((v) => typeof v === 'boolean' || FLAG_TEXTS.includes(v));
const listOf =
  (item: Shape): Shape =>
  (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i += 1) if (!(i in v) || !item(v[i])) return false;
    return true;
  };
/** An object whose named fields have their shapes; other fields are anything (a loose object). */
const objectOf = (fields: Record<string, Shape>): Shape => {
  const names = Object.keys(fields);
  const shapes = names.map((n) => fields[n]!);
  return (v) => {
    if (!isObject(v)) return false;
    for (let i = 0; i < names.length; i += 1) if (!shapes[i]!(v[names[i]!])) return false;
    return true;
  };
};
const scalars = (...names: string[]): Record<string, Shape> => Object.fromEntries(names.map((n) => [n, isScalar]));

const hasWireShape = objectOf({
  plannerContext: nullish(
    objectOf({
      ...scalars('userMessage', 'thought'),
      chatHistory: nullish(listOf(nullable(objectOf(scalars('id', 'role', 'content', 'timestamp'))))),
    }),
  ),
  toolDefinition: nullish(
    objectOf({
      ...scalars('id', 'type', 'name', 'description'),
      inputParameters: nullish(
        listOf(nullable(objectOf({ ...scalars('name', 'description'), type: nullish(objectOf(scalars('$kind'))) }))),
      ),
    }),
  ),
  inputValues: nullish(isObject),
  conversationMetadata: nullish(
    objectOf({
      agent: nullish(
        objectOf({ ...scalars('id', 'tenantId', 'environmentId', 'name', 'version'), isPublished: isFlag }),
      ),
      user: nullish(objectOf(scalars('id', 'tenantId'))),
      ...scalars(
        'conversationId',
        'messageId',
        'channelId',
        'planId',
        'planStepId',
        'parentAgentComponentId',
        'incomingClientIp',
      ),
      trigger: nullish(objectOf(scalars('id', 'schemaName'))),
    }),
  ),
}) as (v: unknown) => v is ToolExecutionRequestWireBody;

function normalize(b: ToolExecutionRequestWireBody): ToolExecutionRequest {
  const pc = b.plannerContext;
  const td = b.toolDefinition;
  const md = b.conversationMetadata;
  const chatHistory: ChatTurn[] = [];
  for (const t of pc?.chatHistory ?? []) {
    if (!t) continue;
    chatHistory.push({
      id: str(t.id),
      role: str(t.role)?.toLowerCase() ?? null,
      content: str(t.content) ?? '',
      timestamp: str(t.timestamp),
    });
  }
  return {
    userMessage: str(pc?.userMessage),
    thought: str(pc?.thought),
    chatHistory,
    previousToolOutputs: [...asList(pc?.previousToolsOutputs), ...asList(pc?.previousToolOutputs)],
    tool: {
      id: str(td?.id),
      name: str(td?.name),
      description: str(td?.description),
      type: str(td?.type),
      inputParameters: (td?.inputParameters ?? []).flatMap((p) => {
        const name = str(p?.name);
        return name ? [name] : [];
      }),
      parameters: (td?.inputParameters ?? []).flatMap((p) => {
        const name = str(p?.name);
        return name ? [{ name, description: str(p?.description), type: str(p?.type?.$kind) }] : [];
      }),
    },
    inputValues: b.inputValues ?? {},
    agent: {
      id: str(md?.agent?.id),
      tenantId: str(md?.agent?.tenantId),
      environmentId: str(md?.agent?.environmentId),
      name: str(md?.agent?.name),
      version: str(md?.agent?.version),
      isPublished: bool(md?.agent?.isPublished),
    },
    user: { id: str(md?.user?.id), tenantId: str(md?.user?.tenantId) },
    conversationId: str(md?.conversationId),
    messageId: str(md?.messageId),
    channelId: str(md?.channelId),
    planId: str(md?.planId),
    planStepId: str(md?.planStepId),
    triggerSchemaName: str(md?.trigger?.schemaName),
    incomingClientIp: normalizeIp(str(md?.incomingClientIp)),
  };
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const BRACKETED_V6 = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/i;

/** "::ffff:1.2.3.4" -> "1.2.3.4", "1.2.3.4:443" -> "1.2.3.4", "[::1]:443" -> "::1"; null when not an address. */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let ip = raw.trim();
  ip = BRACKETED_V6.exec(ip)?.[1] ?? ip;
  ip = IPV4_WITH_PORT.exec(ip)?.[1] ?? ip;
  ip = IPV4_MAPPED.exec(ip)?.[1] ?? ip;
  const version = isIP(ip);
  if (version === 0) return null;
  return version === 6 ? ip.toLowerCase() : ip;
}

function str(v: string | number | boolean | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

function bool(v: boolean | string | null | undefined): boolean | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'boolean' ? v : v.toLowerCase() === 'true';
}

function asList(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(body)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

// ---- answers -------------------------------------------------------------------------------------

/** The `analyze-tool-execution` answer (HTTP 200). `reason` is shown to the user on a block. */
export interface ToolExecutionAnswer {
  blockAction: boolean;
  reasonCode: number;
  reason: string;
  diagnostics: string;
}

/** The `validate` success answer (HTTP 200). */
export interface ValidateSuccessAnswer {
  isSuccessful: true;
  status: 'OK';
}

/** The error body for `validate` failures, and for bad requests to either endpoint. */
export interface WebhookErrorAnswer {
  errorCode: number;
  message: string;
  httpStatus: number;
  diagnostics: string;
}

export const VALIDATE_SUCCESS_ANSWER: ValidateSuccessAnswer = Object.freeze({ isSuccessful: true, status: 'OK' });

export function webhookErrorAnswer(
  httpStatus: number,
  message: string,
  diagnostics = '',
  errorCode = httpStatus,
): WebhookErrorAnswer {
  return { errorCode, message, httpStatus, diagnostics };
}

/** The 400 body for a request that failed `parseToolExecutionRequest`: names every bad field. */
export function invalidRequestAnswer(issues: RequestIssue[]): WebhookErrorAnswer & { issues: RequestIssue[] } {
  const shown = issues.slice(0, 20);
  return {
    ...webhookErrorAnswer(
      400,
      'The request body is not a valid analyze-tool-execution request.',
      shown.map((i) => `${i.path}: ${i.message}`).join('; '),
    ),
    issues: shown,
  };
}
