import { z } from 'zod/v4';
import type { Me, Persona, ServerInfo } from '../../contract/api.js';
import { NotFoundError } from '../../domain/errors.js';
import { changeVersion } from '../../store/outbox.js';
import { defineRoute } from '../api-route.js';
import type { RouteDeps } from './route-deps.js';

export const metaRoutes = ({ config, store, version }: RouteDeps) => [
  defineRoute({
    method: 'GET',
    url: '/api/v1/info',
    summary: 'How to sign in and which tenant the server speaks to',
    tag: 'meta',
    access: 'public',
    returns: 'ServerInfo',
    handler: async (): Promise<ServerInfo> => ({
      auth: config.auth,
      tenant: config.tenant,
      clientId: config.entra.clientId,
      version,
    }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/personas',
    summary: 'AUTH=dev only: the demo identities to sign in as',
    tag: 'meta',
    access: 'public',
    returns: 'Persona[]',
    handler: async (): Promise<Persona[]> => {
      if (config.auth !== 'dev') throw new NotFoundError('route', '/api/v1/personas');
      return (await store.users.withRoles()).map((u) => ({
        id: u.id,
        upn: u.upn,
        displayName: u.displayName,
        jobTitle: u.jobTitle,
        roles: u.roles,
      }));
    },
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/me',
    summary: 'The signed-in person and their roles',
    tag: 'meta',
    returns: 'Me',
    handler: async ({ principal }): Promise<Me> => principal,
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/changes',
    summary: 'A version that moves with every change; poll and refetch when it moves',
    tag: 'meta',
    returns: 'ChangeVersion',
    handler: async () => ({ version: await changeVersion(store.db) }),
  }),
  defineRoute({
    method: 'GET',
    url: '/api/v1/audit',
    summary:
      'The audit trail, newest first; actor and action match any part, in any case; from (inclusive) and to (exclusive) bound the time',
    tag: 'audit',
    returns: 'Page<AuditRecord>',
    query: z.object({
      actor: z.string().max(320).optional(),
      action: z.string().max(100).optional(),
      from: z.string().datetime({ offset: true }).optional(),
      to: z.string().datetime({ offset: true }).optional(),
      targetType: z.enum(['agent', 'user', 'incident', 'submission', 'channel']).optional(),
      targetId: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      cursor: z.string().max(500).optional(),
    }),
    handler: ({ query }) => store.audit.list(query),
  }),
];
