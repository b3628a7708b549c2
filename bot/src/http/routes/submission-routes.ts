import { z } from 'zod/v4';
import { defineRoute, IdParams } from '../api-route.js';
import type { RouteDeps } from './route-deps.js';
import { actionContext } from './route-deps.js';

const Tool = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: z.enum(['connector', 'mcpServer', 'http', 'flow', 'prebuilt']),
  description: z.string().default(''),
  capability: z.enum(['email', 'message', 'http', 'file', 'data', 'none']).default('none'),
  connector: z.string().nullable().default(null),
  serverUrl: z.string().nullable().default(null),
  connectionMode: z.enum(['maker', 'user']),
  operations: z.array(z.object({ name: z.string(), access: z.enum(['read', 'write']) })).default([]),
  headers: z.record(z.string(), z.string()).default({}),
  recipientsFromModel: z.boolean().default(false),
});

/** A maker's new version: the changeable parts of an agent (AgentDefinition). */
export const AgentDefinitionSchema = z.object({
  description: z.string().max(4000),
  instructions: z.string().max(32000),
  userAuthentication: z.enum(['none', 'microsoft', 'custom']),
  authenticationTrigger: z.enum(['asNeeded', 'always']),
  accessControl: z.enum(['any', 'copilotReaders', 'groupMembership', 'anyMultitenant']),
  tools: z.array(Tool).max(200),
  knowledgeSources: z
    .array(
      z.object({
        name: z.string(),
        kind: z.enum(['sharepoint', 'website', 'dataverse', 'file', 'mcpServer']),
        url: z.string().nullable().default(null),
        connectionMode: z.enum(['maker', 'user']),
      }),
    )
    .max(200),
  topics: z
    .array(z.object({ name: z.string(), usesAuthorCredentials: z.boolean() }))
    .max(500)
    .default([]),
  triggers: z
    .array(z.object({ name: z.string(), kind: z.enum(['message', 'schedule', 'event', 'email']) }))
    .max(100)
    .default([]),
});

export const submissionRoutes = ({ queries, actions }: RouteDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/submissions',
    summary: "Makers' submitted versions with their before/after",
    tag: 'submissions',
    returns: 'Page<SubmissionView>',
    query: z.object({
      status: z.enum(['pending', 'approved', 'rejected', 'expired']).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(500).optional(),
    }),
    handler: ({ query }) => queries.listSubmissions(query),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/agents/:id/submissions',
    summary: 'Submit a new version of an agent for review (its makers)',
    tag: 'submissions',
    returns: 'Submission',
    status: 201,
    // Makers often hold no app role; the response service lets only the agent's makers (or an admin) submit.
    access: 'signed-in',
    params: IdParams,
    body: z.object({
      version: z.string().trim().min(1).max(50),
      note: z.string().max(2000).default(''),
      definition: AgentDefinitionSchema,
    }),
    handler: ({ params, body, principal, request }) =>
      actions.submitVersion(actionContext(request, principal), params.id, body),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/submissions/:id/approve',
    summary: 'Approve and publish a submitted version (admin), with an optional reason kept in the audit',
    tag: 'submissions',
    returns: 'ActionResult',
    params: IdParams,
    body: z.object({ reason: z.string().trim().max(2000).default('') }),
    handler: ({ params, body, principal, request }) =>
      actions.approveSubmission(actionContext(request, principal), params.id, body.reason),
  }),
  defineRoute({
    method: 'POST',
    url: '/api/v1/submissions/:id/reject',
    summary: 'Reject a submitted version with a reason for the maker (admin)',
    tag: 'submissions',
    returns: 'ActionResult',
    params: IdParams,
    body: z.object({ reason: z.string().trim().min(1, 'a reason is required').max(2000) }),
    handler: ({ params, body, principal, request }) =>
      actions.rejectSubmission(actionContext(request, principal), params.id, body.reason),
  }),
];
