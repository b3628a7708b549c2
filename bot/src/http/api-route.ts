import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import { ForbiddenError, InvalidInputError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';
import type { ApiResponses, ResponseName } from '../contract/api.js';
import { findTextProblem } from '../domain/input-text.js';

export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/**
 * `public`: anyone (how to sign in, the dev personas). `role`: a signed-in person with at least one app
 * role (viewer, responder, admin). `signed-in`: any signed-in person, the service deciding (a maker
 * without a role submitting a version of their own agent).
 */
export type RouteAccess = 'public' | 'role' | 'signed-in';

export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One API route: its schemas validate input and feed the OpenAPI document, so the two cannot drift; its answer is
 * the contract's type named by `returns`, checked at compile time.
 */
export interface ApiRoute<Q = unknown, P = unknown, B = unknown, R extends ResponseName = ResponseName> {
  method: 'GET' | 'POST';
  /** Fastify style: /api/v1/agents/:id */
  url: string;
  summary: string;
  tag: string;
  /** Who may call it; `role` when not said. */
  access?: RouteAccess;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  body?: z.ZodType<B>;
  status?: number;
  /** What it answers: a name in the contract's ApiResponses (contract/api.ts). */
  returns: R;
  handler(input: RouteInput<Q, P, B>): Promise<ApiResponses[R]>;
}

// Lets a list of routes with different input types live in one array.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any, any>;

export const defineRoute = <Q, P, B, R extends ResponseName>(route: ApiRoute<Q, P, B, R>): AnyApiRoute => route;

export function parseInput<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  // Also without a schema: an ignored body is still hashed for the Idempotency-Key, so it must be sane.
  const bad = findTextProblem(value, where, where === 'body' ? 'text' : 'line');
  if (bad) throw Object.assign(new InvalidInputError(`${bad.path}: ${bad.message}`, bad.path), { issues: [bad] });
  if (!schema) return undefined as T;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  const first = issues[0];
  throw new InvalidInputError(first ? `${first.path}: ${first.message}` : `invalid ${where}`, first?.path, issues);
}

export function registerRoutes(app: FastifyInstance, routes: AnyApiRoute[], authenticate: Authenticate): void {
  // Who is calling is settled in onRequest, before the body is read: a stranger's body costs nothing.
  const principals = new WeakMap<FastifyRequest, Principal>();
  for (const route of routes) {
    const access = route.access ?? 'role';
    app.route({
      method: route.method,
      url: route.url,
      onRequest:
        access === 'public'
          ? undefined
          : async (request) => {
              const principal = await authenticate(request);
              if (access === 'role' && principal.roles.length === 0) {
                throw new ForbiddenError(
                  `${principal.displayName || 'this account'} has no Agent Warden role (viewer, responder or admin)`,
                );
              }
              principals.set(request, principal);
            },
      handler: async (request, reply) => {
        const principal = principals.get(request) ?? ANONYMOUS;
        const input = {
          query: parseInput(route.query, request.query, 'query'),
          params: parseInput(route.params, request.params, 'params'),
          body: parseInput(route.body, request.body, 'body'),
          principal,
          request,
          reply,
        };
        const result = await route.handler(input);
        return reply.code(route.status ?? 200).send(result);
      },
    });
  }
}

const ANONYMOUS: Principal = { id: '', upn: '', displayName: 'anonymous', roles: [] };

/** The longest id a path takes (agents, incidents, users, submissions). */
export const MAX_ID_LENGTH = 200;
/**
 * The router measures a path parameter before percent-decoding: one UTF-16 unit of an id is at most
 * 9 characters there (%E2%80%A8), so this limit lets every id the schemas allow reach them.
 */
export const MAX_ENCODED_PARAM_LENGTH = MAX_ID_LENGTH * 9;

/** `/…/:id` */
export const IdParams = z.object({ id: z.string().min(1).max(MAX_ID_LENGTH) });

/** Comma-separated enum list in a query string: `?risk=critical,high`. */
export const csvOf = <T extends string>(values: readonly T[]) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values as [T, ...T[]])));
