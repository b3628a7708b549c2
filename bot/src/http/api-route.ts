import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod/v4';
import { InvalidInputError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';

export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  principal: Principal;
  request: FastifyRequest;
  reply: FastifyReply;
}

/** One API route: its schemas validate input and feed the OpenAPI document, so the two cannot drift. */
export interface ApiRoute<Q = unknown, P = unknown, B = unknown> {
  method: 'GET' | 'POST';
  /** Fastify style: /api/v1/agents/:id */
  url: string;
  summary: string;
  tag: string;
  /** false for the few routes that answer without a signed-in person. */
  auth?: boolean;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  body?: z.ZodType<B>;
  status?: number;
  /** Documented response, a name from api-contract.ts. */
  returns: string;
  handler(input: RouteInput<Q, P, B>): Promise<unknown>;
}

// Lets a list of routes with different input types live in one array.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApiRoute = ApiRoute<any, any, any>;

export const defineRoute = <Q, P, B>(route: ApiRoute<Q, P, B>): AnyApiRoute => route;

export function parseInput<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
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
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (request, reply) => {
        const principal = route.auth === false ? ANONYMOUS : await authenticate(request);
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
