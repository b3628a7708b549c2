import { z } from 'zod/v4';
import { LIFECYCLES, PLATFORMS } from '../../domain/types.js';
import { RISK_LEVELS } from '../../domain/risk.js';
import { NotFoundError } from '../../domain/errors.js';
import { csvOf, defineRoute, IdParams } from '../api-route.js';
import type { ToolDefinitionHistory } from '../../contract/api.js';
import type { RouteDeps } from './route-deps.js';
import { actionContext } from './route-deps.js';

const Reason = z.object({ reason: z.string().trim().min(1, 'a reason is required').max(1000) });

export const agentRoutes = ({ queries, actions, store }: RouteDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/agents',
    summary: 'List agents with their risk',
    tag: 'agents',
    returns: 'Page<AgentSummary>',
    query: z.object({
      search: z.string().max(200).optional(),
      risk: csvOf(RISK_LEVELS).optional(),
      platform: csvOf(PLATFORMS).optional(),
      status: csvOf(LIFECYCLES).optional(),
      mcpMaker: z.enum(['true', 'false']).optional(),
      sort: z.enum(['risk', 'name', 'modified']).default('risk'),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(500).optional(),
    }),
    handler: ({ query }) =>
      queries.listAgents({
        search: query.search,
        riskLevels: query.risk,
        platforms: query.platform,
        lifecycles: query.status,
        mcpOnMakerCredentials: query.mcpMaker === undefined ? undefined : query.mcpMaker === 'true',
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
      }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/agents/:id',
    summary: 'One agent: record, risk, alerts (IT: unresolved high and critical; SOC: all), incidents',
    tag: 'agents',
    returns: 'AgentDetail',
    params: IdParams,
    query: z.object({ view: z.enum(['it', 'soc']).optional() }),
    handler: ({ params, query, principal }) =>
      queries.agentDetail(params.id, query.view ?? (principal.roles.includes('responder') ? 'soc' : 'it')),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/agents/:id/tool-definitions',
    summary:
      "The definitions the agent's tools were seen with by the threat-detection webhook, oldest first, with the changes of each",
    tag: 'agents',
    returns: 'ToolDefinitionHistory',
    params: IdParams,
    handler: async ({ params }): Promise<ToolDefinitionHistory> => {
      const agent = await store.agents.get(params.id);
      if (!agent) throw new NotFoundError('agent', params.id);
      return { agentId: agent.id, versions: await store.toolDefinitions.ofAgent(agent.id) };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/agents/:id/block',
    summary: 'Block an agent (responder, admin)',
    tag: 'agents',
    returns: 'ActionResult',
    params: IdParams,
    body: Reason,
    handler: ({ params, body, principal, request }) =>
      actions.blockAgent(actionContext(request, principal), params.id, body.reason),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/agents/:id/unblock',
    summary: 'Unblock an agent (admin)',
    tag: 'agents',
    returns: 'ActionResult',
    params: IdParams,
    body: Reason,
    handler: ({ params, body, principal, request }) =>
      actions.unblockAgent(actionContext(request, principal), params.id, body.reason),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/agents/:id/notify-maker',
    summary: "Notify the agent's makers (responder, admin)",
    tag: 'agents',
    returns: 'ActionResult',
    params: IdParams,
    body: z.object({ message: z.string().trim().min(1).max(2000) }),
    handler: ({ params, body, principal, request }) =>
      actions.notifyMaker(actionContext(request, principal), params.id, body.message),
  }),
];
