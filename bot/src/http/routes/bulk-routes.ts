import { z } from 'zod/v4';
import { DomainError, ForbiddenError } from '../../domain/errors.js';
import { mayDo } from '../../domain/authorization.js';
import type { Principal } from '../../domain/types.js';
import type { ActionResult, BulkActionResult, BulkItemResult } from '../../contract/api.js';
import type { ActionContext } from '../../response/response-actions.js';
import { IdempotencyKeyReusedError } from '../../store/idempotency.js';
import { defineRoute } from '../api-route.js';
import type { RouteDeps } from './route-deps.js';
import { actionContext } from './route-deps.js';

export const MAX_BULK_AGENTS = 500;

const AgentIds = z
  .array(z.string().trim().min(1).max(200))
  .min(1, 'select at least one agent')
  .max(MAX_BULK_AGENTS, `at most ${MAX_BULK_AGENTS} agents at a time`);

/**
 * Runs one response action per agent, each through the response service (authorized, idempotent,
 * audited). A role refusal stops the whole request with 403; other errors (an unknown agent) are
 * that agent's outcome.
 */
async function forEachAgent(
  ctx: ActionContext,
  agentIds: string[],
  action: BulkActionResult['action'],
  act: (ctx: ActionContext, agentId: string) => Promise<ActionResult>,
): Promise<BulkActionResult> {
  const results: BulkItemResult[] = [];
  for (const agentId of [...new Set(agentIds)]) {
    // One request key covers the batch; each agent gets its own derived key, so a retry repeats nothing.
    const itemCtx = {
      ...ctx,
      idempotencyKey: ctx.idempotencyKey ? `${ctx.idempotencyKey}:${action}:${agentId}` : null,
    };
    try {
      const r = await act(itemCtx, agentId);
      results.push({ agentId, outcome: r.outcome, message: r.message, auditId: r.auditId });
    } catch (error) {
      // Refused as a whole: a role that may not, or a key already used for another request (403, 422).
      if (error instanceof ForbiddenError || error instanceof IdempotencyKeyReusedError) throw error;
      if (!(error instanceof DomainError)) throw error;
      results.push({
        agentId,
        outcome: 'failed',
        message: error.message,
        auditId: null,
        error: { code: error.code, message: error.message },
      });
    }
  }
  const count = (o: BulkItemResult['outcome']) => results.filter((r) => r.outcome === o).length;
  return { action, results, summary: { done: count('done'), noop: count('noop'), failed: count('failed') } };
}

export const bulkRoutes = ({ actions, store, clock }: RouteDeps) => {
  const now = clock ?? (() => new Date());
  /**
   * Blocking many agents at once has its own rule (domain/authorization.ts, BULK_ACTION_ROLES). A refusal
   * is one audit record, however many ids the request names: they are the caller's words, not agents.
   */
  const requireBulkBlock = async (principal: Principal, agentIds: string[], via: ActionContext['via']) => {
    if (mayDo(principal, 'bulkBlockAgents')) return;
    const named = [...new Set(agentIds)];
    const count = named.length;
    await store.audit.append({
      at: now().toISOString(),
      actor: principal.upn,
      actorName: principal.displayName,
      action: 'blockAgent',
      targetType: 'agent',
      // One id is recorded like a single block's refusal; many are counted, not listed.
      targetId: count === 1 ? (named[0] ?? 'bulk') : 'bulk',
      targetName: count === 1 ? (named[0] ?? 'bulk') : `${count} agents`,
      outcome: 'denied',
      detail: `bulk block of ${count} agent${count === 1 ? '' : 's'} needs the admin role`,
      via,
    });
    throw new ForbiddenError(`${principal.displayName} is not allowed to block agents in bulk (admins only).`);
  };

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/bulk/block',
      summary: 'Block several agents (admin); one outcome per agent',
      tag: 'agents',
      returns: 'BulkActionResult',
      body: z.object({
        agentIds: AgentIds,
        reason: z.string().trim().min(1, 'a reason is required').max(1000),
      }),
      handler: async ({ body, principal, request }) => {
        const ctx = actionContext(request, principal);
        await requireBulkBlock(principal, body.agentIds, ctx.via);
        return forEachAgent(ctx, body.agentIds, 'blockAgent', (c, id) => actions.blockAgent(c, id, body.reason));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents/bulk/notify-maker',
      summary: 'Notify the makers of several agents (responder, admin); one outcome per agent',
      tag: 'agents',
      returns: 'BulkActionResult',
      body: z.object({
        agentIds: AgentIds,
        message: z.string().trim().min(1, 'a message is required').max(2000),
      }),
      handler: ({ body, principal, request }) =>
        forEachAgent(actionContext(request, principal), body.agentIds, 'notifyMaker', (c, id) =>
          actions.notifyMaker(c, id, body.message),
        ),
    }),
  ];
};
