import { z } from 'zod/v4';
import { ForbiddenError } from '../../domain/errors.js';
import { listProtectionEvents } from '../../protection/event-lookup.js';
import { defineRoute } from '../api-route.js';
import type { RouteDeps } from './route-deps.js';

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time' });

export const eventRoutes = ({ store }: RouteDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/events',
    summary: "The webhook's decisions, newest first: why a tool call was blocked or allowed (viewer and up)",
    tag: 'events',
    returns: 'Page<ProtectionEvent>',
    query: z
      .object({
        correlationId: z.string().min(1).max(200).optional(),
        userId: z.string().min(1).max(200).optional(),
        agentId: z.string().min(1).max(200).optional(),
        decision: z.enum(['allow', 'block']).optional(),
        from: isoTime.optional(),
        to: isoTime.optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(500).optional(),
      })
      // Swapped dates would answer an empty page, which reads as "nothing happened".
      .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
        message: 'to is earlier than from',
        path: ['to'],
      }),
    handler: async ({ query, principal }) => {
      if (principal.roles.length === 0)
        throw new ForbiddenError('Reading protection events needs a role (viewer and up).');
      return listProtectionEvents(store.db, query);
    },
  }),
];
