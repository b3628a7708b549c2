import { randomUUID } from 'node:crypto';
import type { Agent, AgentTool, DirectoryUser } from '../domain/types.js';
import { WEBHOOK_API_VERSION } from './webhook-schema.js';
import type { ToolExecutionAnswer } from './webhook-schema.js';

/**
 * Copilot Studio's side of the threat-detection webhook, for the simulator, the tests and the bench:
 * builds `analyze-tool-execution` bodies shaped like the captured payload (docs/architecture.md, interface 1)
 * and posts them with a bearer token, as Copilot Studio does before each tool call.
 */

export interface ToolCallSpec {
  agent: Agent;
  tool: AgentTool;
  user: Pick<DirectoryUser, 'id'>;
  tenantId: string;
  userMessage: string;
  /** Earlier user turns of the conversation, oldest first (the assistant's replies are interleaved). */
  history?: string[];
  inputValues: Record<string, unknown>;
  /** As Copilot Studio sends it ("::ffff:78.131.11.108"). */
  ip: string;
  conversationId: string;
  previousToolsOutputs?: unknown[];
  at?: Date;
  /** The tool's description as this call presents it; the registry's by default (a rug pull changes it). */
  toolDescription?: string;
  /** The tool's declared parameters with their descriptions; by default those of its connector operation. */
  parameters?: { name: string; description: string | null }[];
}

// Copilot Studio sends the tool's declared parameters, the same on every call whatever the call fills
// in: the real names of the connector operations the Zava agents use, and one query parameter otherwise.
const DECLARED_PARAMETERS: [RegExp, string[]][] = [
  [
    /Office365Outlook-SendEmail/i,
    [
      'emailMessage/To',
      'emailMessage/Cc',
      'emailMessage/Bcc',
      'emailMessage/Subject',
      'emailMessage/Body',
      'emailMessage/Importance',
    ],
  ],
  [/CommonDataServiceForApps-ListRecords/i, ['entityName', '$select', '$filter', '$orderby', '$top']],
];

function declaredParameters(tool: AgentTool): { name: string; description: string | null }[] {
  const names = DECLARED_PARAMETERS.find(([id]) => id.test(tool.id))?.[1] ?? ['query'];
  return names.map((name) => ({ name, description: null }));
}

/** An `analyze-tool-execution` body, with the fields (and nulls) Copilot Studio sends. */
export function toolExecutionBody(spec: ToolCallSpec): Record<string, unknown> {
  const at = spec.at ?? new Date();
  const history = spec.history ?? [];
  const chatHistory = history.flatMap((content, i) => {
    const t = new Date(at.getTime() - (history.length - i) * 20_000).toISOString();
    return [
      { id: randomUUID(), role: 'user', content, timestamp: t },
      { id: randomUUID(), role: 'assistant', content: 'Let me look into that for you.', timestamp: t },
    ];
  });
  chatHistory.push({ id: randomUUID(), role: 'user', content: spec.userMessage, timestamp: at.toISOString() });
  const stepId = randomUUID();
  return {
    plannerContext: {
      userMessage: spec.userMessage,
      thought: `The user asked me to ${spec.tool.description.charAt(0).toLowerCase()}${spec.tool.description.slice(1)} I will call ${spec.tool.name}.`,
      chatHistory,
      previousToolsOutputs: spec.previousToolsOutputs ?? [],
    },
    toolDefinition: {
      id: spec.tool.id,
      type: spec.tool.kind === 'prebuilt' ? 'PrebuiltToolDefinition' : 'ToolDefinition',
      name: spec.tool.name,
      description: spec.toolDescription ?? spec.tool.description,
      inputParameters: (spec.parameters ?? declaredParameters(spec.tool)).map((p) => ({
        ...p,
        type: { $kind: 'String' },
      })),
      outputParameters: [],
    },
    inputValues: spec.inputValues,
    conversationMetadata: {
      agent: {
        id: spec.agent.id,
        tenantId: spec.tenantId,
        environmentId: spec.agent.environmentId,
        name: spec.agent.name,
        version: spec.agent.version,
        isPublished: spec.agent.publishStatus === 'published',
      },
      user: { id: spec.user.id, tenantId: spec.tenantId },
      conversationId: spec.conversationId,
      messageId: randomUUID(),
      channelId: 'msteams',
      planId: randomUUID(),
      planStepId: stepId,
      parentAgentComponentId: null,
      trigger: { id: null, schemaName: null },
      incomingClientIp: spec.ip,
    },
  };
}

export interface WebhookCallResult {
  status: number;
  answer: ToolExecutionAnswer | null;
  /** The raw body when it is not an answer (errors). */
  body: unknown;
  ms: number;
}

/** POSTs one body to `analyze-tool-execution` as Copilot Studio would. */
export async function analyzeToolExecution(
  baseUrl: string,
  token: string,
  body: unknown,
  correlationId: string = randomUUID(),
): Promise<WebhookCallResult> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/threat-detection/analyze-tool-execution?api-version=${WEBHOOK_API_VERSION}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-ms-correlation-id': correlationId,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const answer =
    res.status === 200 && parsed && typeof parsed === 'object' && 'blockAction' in parsed
      ? (parsed as ToolExecutionAnswer)
      : null;
  return { status: res.status, answer, body: parsed, ms };
}
