import { z } from 'zod/v4';
import { CLASSIFICATIONS, SEVERITIES } from '../../domain/types.js';
import { NotFoundError } from '../../domain/errors.js';
import { csvOf, defineRoute, IdParams } from '../api-route.js';
import type { RouteDeps } from './route-deps.js';
import { actionContext } from './route-deps.js';

const INCIDENT_STATUSES = ['active', 'inProgress', 'resolved'] as const;

export const incidentRoutes = ({ queries, actions, store }: RouteDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/incidents',
    summary: 'List incidents, newest activity first',
    tag: 'incidents',
    returns: 'Page<IncidentSummary>',
    query: z.object({
      status: csvOf(INCIDENT_STATUSES).optional(),
      severity: csvOf(SEVERITIES).optional(),
      userId: z.string().max(200).optional(),
      agentId: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(500).optional(),
    }),
    handler: ({ query }) =>
      queries.listIncidents({
        statuses: query.status,
        severities: query.severity,
        userId: query.userId,
        agentId: query.agentId,
        limit: query.limit,
        cursor: query.cursor,
      }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/incidents/:id',
    summary: 'One incident with its alerts, entities and timeline',
    tag: 'incidents',
    returns: 'IncidentDetail',
    params: IdParams,
    handler: ({ params }) => queries.incidentDetail(params.id),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/incidents/:id/resolve',
    summary: 'Resolve an incident with a classification and a comment (responder)',
    tag: 'incidents',
    returns: 'ActionResult',
    params: IdParams,
    body: z.object({ classification: z.enum(CLASSIFICATIONS), comment: z.string().max(2000).default('') }),
    handler: ({ params, body, principal, request }) =>
      actions.resolveIncident(actionContext(request, principal), params.id, body.classification, body.comment),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/incidents/:id/assign',
    summary: 'Assign an incident (responder); default assignee: the caller',
    tag: 'incidents',
    returns: 'ActionResult',
    params: IdParams,
    body: z.object({ assignee: z.string().min(1).max(320).optional() }),
    handler: ({ params, body, principal, request }) =>
      actions.assignIncident(actionContext(request, principal), params.id, body.assignee ?? principal.upn),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/users/:id',
    summary: 'A user of the tenant, with risk and session state',
    tag: 'users',
    returns: 'DirectoryUser',
    params: IdParams,
    handler: async ({ params }) => {
      const user = await store.users.get(params.id);
      if (!user) throw new NotFoundError('user', params.id);
      return user;
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/users/:id/revoke',
    summary: "Revoke the user's sessions and confirm them compromised, forcing a password reset (responder)",
    tag: 'users',
    returns: 'ActionResult',
    params: IdParams,
    body: z.object({ incidentId: z.string().max(200).optional() }).default({}),
    handler: ({ params, body, principal, request }) =>
      actions.revokeUser(actionContext(request, principal), params.id, body.incidentId ?? null),
  }),
];
