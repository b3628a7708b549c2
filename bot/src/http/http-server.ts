import fs from 'node:fs';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { DomainError, UnauthorizedError } from '../domain/errors.js';
import type { Principal } from '../domain/types.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { devPrincipal, principalFromClaims } from '../auth/principal-resolver.js';
import { devSignInRefusal } from '../auth/dev-sign-in.js';
import type { AnyApiRoute, Authenticate } from './api-route.js';
import { MAX_ENCODED_PARAM_LENGTH, registerRoutes } from './api-route.js';
import { buildOpenApi } from './openapi.js';
import { SECURITY_HEADERS, isSourceMap } from './security-headers.js';
import type { RouteDeps } from './routes/route-deps.js';
import { agentRoutes } from './routes/agent-routes.js';
import { eventRoutes } from './routes/event-routes.js';
import { incidentRoutes } from './routes/incident-routes.js';
import { metaRoutes } from './routes/meta-routes.js';
import { submissionRoutes } from './routes/submission-routes.js';
import { huntingRoutes } from './routes/hunting-routes.js';
import { bulkRoutes } from './routes/bulk-routes.js';

export interface HttpServerOptions extends RouteDeps {
  /** AUTH=entra: validates the tab's / API caller's bearer token. Null with AUTH=dev. */
  apiTokenVerifier: TokenVerifier | null;
  /** Readiness: store reachable and migrations done. */
  ready: () => Promise<boolean>;
  /** The built tab (vite's dist/); not served when absent. */
  staticDir: string | null;
  /** More routes from other rooms (webhook, bot, hunting), registered on the same server. */
  plugins?: ((app: FastifyInstance, authenticate: Authenticate) => void | Promise<void>)[];
  extraApiRoutes?: AnyApiRoute[];
  /** The server's one logger (`bot/src/logging.ts`), created first by the composition root. */
  logger: FastifyBaseLogger;
  /** Tests: shorter limits than the defaults below. */
  timeouts?: Partial<HttpTimeouts>;
  /** Handlers asked before Fastify for each request (the webhook's hot route); see FastPath. */
  fastPaths?: FastPath[];
}

/**
 * A handler in front of Fastify for one hot route, on the same `node:http` server (same timeouts,
 * same client-error answers): returns true when it took the request, false to leave it to Fastify.
 * It must decide synchronously, before reading the body, and answer exactly as the Fastify route would
 * (status codes, JSON bodies, the headers of the onSend hook: `x-request-id` and SECURITY_HEADERS).
 */
export type FastPath = (req: IncomingMessage, res: ServerResponse, app: FastifyInstance) => boolean;

export interface HttpTimeouts {
  /** The whole request (headers and body) must arrive within this; 408 otherwise (a slow-body client). */
  requestMs: number;
  /** A connection with nothing moving either way for this long is closed. */
  idleMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { requestMs: 30_000, idleMs: 120_000 };

export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  const serverOptions: http.ServerOptions = {
    requestTimeout: timeouts.requestMs,
    headersTimeout: Math.min(timeouts.requestMs, 20_000),
    // How often Node looks for requests past their time (its default, 30 s, would let one run on that long).
    connectionsCheckingInterval: Math.min(1_000, timeouts.requestMs),
  };
  const fastPaths = options.fastPaths ?? [];
  // Once closing, everything goes to Fastify, which answers 503 as it does for every route.
  let closing = false;
  const app: FastifyInstance = Fastify({
    requestTimeout: timeouts.requestMs,
    connectionTimeout: timeouts.idleMs,
    http: serverOptions,
    loggerInstance: options.logger,
    bodyLimit: 1_048_576,
    routerOptions: { maxParamLength: MAX_ENCODED_PARAM_LENGTH },
    // The router's own refusals (a malformed URL, a path parameter past the limit) in the API's error shape.
    frameworkErrors: answerRouterError,
    // What Node refuses before Fastify sees a request (a body past the request timeout, oversized or malformed
    // headers), in the API's error shape too.
    clientErrorHandler: answerClientError,
    requestIdHeader: false,
    genReqId: requestIdOf,
    // The server Fastify would build (http.createServer with the options above, its timeouts), with the
    // fast paths asked first.
    serverFactory: (handler) => {
      const server = http.createServer(serverOptions, (req, res) => {
        if (!closing) for (const fast of fastPaths) if (fast(req, res, app)) return;
        handler(req, res);
      });
      server.keepAliveTimeout = 72_000; // Fastify's default
      server.requestTimeout = timeouts.requestMs;
      server.setTimeout(timeouts.idleMs);
      return server;
    },
  });
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.headers(SECURITY_HEADERS);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Every error raised on purpose (not found, forbidden, invalid input, bad token, reused key, Graph's refusal).
    if (error instanceof DomainError) return reply.code(error.status).send({ error: error.body() });
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: { code: 'payload_too_large', message: 'the request body is too large' } });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'send application/json' } });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, empty JSON body.
      return reply.code(error.statusCode).send({ error: { code: 'bad_request', message: error.message } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error', requestId: request.id } });
  });

  const authenticate = makeAuthenticator(options);
  const apiRoutes = [
    ...metaRoutes(options),
    ...agentRoutes(options),
    ...incidentRoutes(options),
    ...eventRoutes(options),
    ...submissionRoutes(options),
    ...huntingRoutes(options),
    ...bulkRoutes(options),
    ...(options.extraApiRoutes ?? []),
  ];
  registerRoutes(app, apiRoutes, authenticate);
  const openApi = buildOpenApi(apiRoutes, options.version);
  app.get('/api/v1/openapi.json', async () => openApi);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await options.ready().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready' });
  });

  for (const plugin of options.plugins ?? []) await plugin(app, authenticate);

  const staticDir =
    options.staticDir && fs.existsSync(path.join(options.staticDir, 'index.html')) ? options.staticDir : null;
  if (staticDir) {
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: false,
      index: ['index.html'],
      // `npm run build` writes .br/.gz siblings (scripts/precompress.mjs): sent when the client accepts them.
      preCompressed: true,
      allowedPath: (urlPath) => !isSourceMap(urlPath),
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // Vite names assets by content hash, so they never change under the same URL; everything else
        // (index.html) is revalidated so a new build is picked up.
        const hashed = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    // The tab is a single-page app: its routes (/agents/123) are answered with index.html.
    const urlPath = request.url.split('?')[0] ?? '';
    if (staticDir && request.method === 'GET' && !urlPath.startsWith('/api/') && !isSourceMap(urlPath)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${urlPath}` } });
  });

  return app;
}

/** The request id: the caller's `x-request-id` (or `x-ms-correlation-id`) when well formed, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'] ?? req.headers['x-ms-correlation-id'];
  const id = Array.isArray(given) ? given[0] : given;
  return id && /^[\w.:-]{1,100}$/.test(id) ? id : randomUUID();
}

/** The router's own refusals (a malformed URL, a path parameter past the limit) in the API's error shape. */
function answerRouterError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply.code(tooLong ? 414 : 400).send({
    error: tooLong
      ? { code: 'uri_too_long', message: 'a path id is too long' }
      : { code: 'bad_request', message: 'malformed URL' },
  });
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; code: string; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request_timeout',
    message: 'the request did not arrive in time',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'headers_too_large',
    message: 'the request headers are too large',
  },
};

function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || {
    status: 400,
    reason: 'Bad Request',
    code: 'bad_request',
    message: 'malformed HTTP request',
  };
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function makeAuthenticator(options: HttpServerOptions): Authenticate {
  const { config, store } = options;
  return async (request: FastifyRequest): Promise<Principal> => {
    if (config.auth === 'dev') {
      const refusal = devSignInRefusal(request.headers);
      if (refusal) throw new UnauthorizedError(refusal);
      const header = request.headers['x-dev-user'];
      const who = Array.isArray(header) ? header[0] : header;
      if (!who) throw new UnauthorizedError('sign in: AUTH=dev expects the header x-dev-user: <upn>');
      const principal = await devPrincipal(store.users, who);
      if (!principal) throw new UnauthorizedError(`unknown dev user '${who}'`);
      return principal;
    }
    if (!options.apiTokenVerifier) throw new UnauthorizedError('no token verifier configured');
    const payload = await options.apiTokenVerifier(request.headers.authorization);
    return principalFromClaims(payload);
  };
}
