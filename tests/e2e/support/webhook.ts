// Copilot Studio's side of the threat-detection webhook for the browser tests: calls signed by the
// server's embedded key set, payloads built by the same builder as `npm run simulate`.
import { randomUUID } from 'node:crypto';
import { EMBEDDED_CALLER_APP_ID, EMBEDDED_WEBHOOK_AUDIENCE } from '../../../bot/src/config.js';
import type { AgentTool } from '../../../bot/src/domain/types.js';
import { toolExecutionBody } from '../../../bot/src/protection/webhook-simulation.js';
import { ZAVA_TENANT_ID } from '../../../bot/src/tenant/embedded/zava/index.js';
import type { TestServer } from '../../support/test-server.js';

export interface WebhookAnswer {
  blockAction: boolean;
  reasonCode: number;
  reason: string;
}

/** POSTs one tool execution to `analyze-tool-execution` with a fresh correlation id; throws unless 200. */
export async function callWebhook(server: TestServer, body: unknown): Promise<WebhookAnswer> {
  const keys = server.warden.localKeys;
  if (!keys) throw new Error('the embedded key set is missing: the server is not in embedded mode');
  const token = await keys.sign({ audience: EMBEDDED_WEBHOOK_AUDIENCE, appId: EMBEDDED_CALLER_APP_ID });
  const res = await fetch(`${server.url}/api/threat-detection/analyze-tool-execution?api-version=2025-05-01`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-ms-correlation-id': randomUUID(),
    },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as WebhookAnswer;
}

/** `userId` calls `toolId` of the stored agent `agentId`, as Copilot Studio would. */
export async function callAgentTool(
  server: TestServer,
  call: {
    agentId: string;
    toolId: string;
    userId: string;
    userMessage: string;
    inputValues: Record<string, unknown>;
    ip: string;
  },
): Promise<WebhookAnswer> {
  const agent = await server.warden.store.agents.get(call.agentId);
  const tool: AgentTool | undefined = agent?.tools.find((t) => t.id === call.toolId);
  if (!agent || !tool) throw new Error(`the store has no agent ${call.agentId} with tool ${call.toolId}`);
  return callWebhook(
    server,
    toolExecutionBody({
      agent,
      tool,
      user: { id: call.userId },
      tenantId: ZAVA_TENANT_ID,
      userMessage: call.userMessage,
      inputValues: call.inputValues,
      ip: call.ip,
      conversationId: randomUUID(),
    }),
  );
}

/** The first open high or critical incident about `userId`, waiting (decisions are stored by group commit). */
export async function untilIncidentOf(server: TestServer, userId: string, who: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { items } = await server.warden.store.incidents.listIncidents({
      userId,
      statuses: ['active', 'inProgress'],
      limit: 5,
    });
    const incident = items.find((i) => i.severity === 'high' || i.severity === 'critical');
    if (incident) return incident.id;
    if (Date.now() > deadline) throw new Error(`no high incident involves ${who} 20 s after the calls`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
