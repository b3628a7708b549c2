import { z } from 'zod/v4';
import { defineRoute } from '../api-route.js';
import { DEFAULT_ROW_LIMIT, MAX_ROW_LIMIT } from '../../hunting/hunting-service.js';
import type { RouteDeps } from './route-deps.js';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../domain/types.js';
import { HuntRateLimitedError } from '../../hunting/hunting-access.js';
import type { HuntingService } from '../../hunting/hunting-service.js';

const RunBody = z
  .object({
    templateId: z.string().trim().min(1).max(100).optional(),
    query: z.string().min(1, 'the query is empty').max(20_000).optional(),
    rowLimit: z.number().int().min(1).max(MAX_ROW_LIMIT).optional(),
  })
  .strict()
  .refine((b) => (b.templateId === undefined) !== (b.query === undefined), {
    message: 'send either templateId or query',
  });

/** At least the viewer role, and 45 calls a minute per person; a 429 says when to come back (Retry-After). */
function admit(hunting: HuntingService, principal: Principal, reply: FastifyReply): void {
  try {
    hunting.admit(principal);
  } catch (error) {
    if (error instanceof HuntRateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    throw error;
  }
}

export const huntingRoutes = ({ hunting }: RouteDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/hunting/templates',
    summary: 'The pre-built hunting templates for AI agents, with their KQL',
    tag: 'hunting',
    returns: 'HuntingTemplateList',
    handler: async ({ principal, reply }) => {
      admit(hunting, principal, reply);
      return { items: hunting.listTemplates(), tables: hunting.schema() };
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/hunting/schema',
    summary: "The hunting tables and their columns, shaped like Microsoft Graph's security/getHuntingSchema",
    tag: 'hunting',
    returns: 'HuntingSchema',
    handler: async ({ principal, reply }) => {
      admit(hunting, principal, reply);
      return hunting.graphSchema();
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/hunting/run',
    summary:
      'Run a template ({templateId}) or KQL ({query}) over AIAgentsInfo, AgentsInfo, IdentityInfo, CloudAppEvents',
    tag: 'hunting',
    returns: 'HuntingRunResult',
    body: RunBody,
    handler: async ({ body, principal, reply }) => {
      admit(hunting, principal, reply);
      try {
        return await hunting.run(
          body.templateId !== undefined ? { templateId: body.templateId } : { query: body.query as string },
          body.rowLimit ?? DEFAULT_ROW_LIMIT,
        );
      } catch (error) {
        // TENANT=graph: Graph's own quota answers 429 too, with its Retry-After.
        if (error instanceof HuntRateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
        throw error;
      }
    },
  }),
];
