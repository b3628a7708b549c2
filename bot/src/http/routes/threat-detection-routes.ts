import type { IncomingMessage, ServerResponse } from 'node:http';
import querystring from 'node:querystring';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { TokenVerifier } from '../../auth/token-verifier.js';
import { TokenError } from '../../auth/token-verifier.js';
import type { ProtectionService } from '../../protection/protection-service.js';
import {
  VALIDATE_SUCCESS_ANSWER,
  WEBHOOK_API_VERSION,
  invalidRequestAnswer,
  missingToolExecutionFields,
  parseToolExecutionRequest,
  webhookErrorAnswer,
} from '../../protection/webhook-schema.js';
import type { FastPath } from '../http-server.js';
import { requestIdOf } from '../http-server.js';
import { SECURITY_HEADERS } from '../security-headers.js';

/** What the routes need from the protection service (the bench puts a fixed answer behind the same plumbing). */
export type WebhookDecider = Pick<ProtectionService, 'ready' | 'analyze'>;

export interface ThreatDetectionRouteOptions {
  protection: WebhookDecider;
  /** Validates Copilot Studio's bearer token: key set, issuer, audience, expiry, caller app id. */
  verifyToken: TokenVerifier;
  /** Bytes; a larger body is answered 413. */
  bodyLimit: number;
  /** Default /api/threat-detection. */
  prefix?: string;
}

export const THREAT_DETECTION_PREFIX = '/api/threat-detection';

const CORRELATION_ID = /^[\w.:-]{1,128}$/;

/**
 * The Copilot Studio threat-detection webhook (docs/architecture.md, interface 1): `validate` and
 * `analyze-tool-execution`. Registered in its own scope because it is not part of the tab's /api/v1:
 * its caller is Copilot Studio with an Entra app token, and its errors use the webhook's error shape
 * `{errorCode, message, httpStatus, diagnostics}`.
 */
export function threatDetectionRoutes(options: ThreatDetectionRouteOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(
      async (scope) => {
        // The validate call has an empty body with a JSON content type: accept that, parse the rest as JSON.
        const json = scope.getDefaultJsonParser('error', 'ignore');
        scope.removeContentTypeParser('application/json');
        scope.addContentTypeParser(
          'application/json',
          { parseAs: 'string', bodyLimit: options.bodyLimit },
          (request, body, done) => {
            if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
            json(request, body as string, done);
          },
        );

        scope.setErrorHandler((error: FastifyError, request, reply) => {
          if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
            return send(reply, 413, `The request body is larger than ${options.bodyLimit} bytes.`);
          }
          if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
            return send(reply, 415, 'Send the request body as application/json.');
          }
          if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
            return send(reply, error.statusCode, 'The request body is not valid JSON.', error.message);
          }
          request.log.error({ err: error }, 'threat-detection request failed');
          return send(reply, 500, 'Internal error.', `request ${request.id}`);
        });

        scope.addHook('onRequest', async (request, reply) => {
          const correlationId = correlationIdOf(request.headers);
          if (correlationId) reply.header('x-ms-correlation-id', correlationId);
          const refusal = await refusalOf(
            options,
            request.headers.authorization,
            request.query,
            correlationId,
            request.log,
          );
          if (refusal) {
            if (refusal.status === 401) reply.header('www-authenticate', 'Bearer');
            return reply.code(refusal.status).send(refusal.body);
          }
        });

        scope.post('/validate', { bodyLimit: options.bodyLimit }, async (request, reply) => {
          request.log.info({ correlationId: correlationIdOf(request.headers) }, 'threat-detection validate');
          if (!options.protection.ready) {
            return send(reply, 503, 'The threat-detection service is starting.', 'registry not loaded yet');
          }
          return VALIDATE_SUCCESS_ANSWER;
        });

        scope.post('/analyze-tool-execution', { bodyLimit: options.bodyLimit }, async (request, reply) => {
          const { status, body } = await analyzeBody(
            options,
            request.body,
            correlationIdOf(request.headers),
            request.log,
          );
          return reply.code(status).send(body);
        });
      },
      { prefix: options.prefix ?? THREAT_DETECTION_PREFIX },
    );
  };
}

function send(reply: FastifyReply, status: number, message: string, diagnostics = ''): FastifyReply {
  return reply.code(status).send(webhookErrorAnswer(status, message, diagnostics));
}

interface Answer {
  status: number;
  body: object;
}

const errorAnswer = (status: number, message: string, diagnostics = ''): Answer => ({
  status,
  body: webhookErrorAnswer(status, message, diagnostics),
});

/** The checks before the body is read, in order: the bearer token (401), then the api-version (400). */
async function refusalOf(
  options: ThreatDetectionRouteOptions,
  authorization: string | undefined,
  query: unknown,
  correlationId: string | null,
  log: FastifyBaseLogger,
): Promise<Answer | null> {
  try {
    await options.verifyToken(authorization);
  } catch (err) {
    const why = err instanceof TokenError ? err.message : 'token is not valid';
    log.warn({ correlationId, why }, 'threat-detection call refused: bad bearer token');
    return errorAnswer(401, 'The bearer token is missing or not valid.', why);
  }
  const version = (query as Record<string, unknown>)['api-version'];
  if (version !== WEBHOOK_API_VERSION) {
    const got = version === undefined ? 'missing' : `'${String(version)}' is not supported`;
    return errorAnswer(
      400,
      `The api-version query parameter must be ${WEBHOOK_API_VERSION}.`,
      `api-version ${got}; supported: ${WEBHOOK_API_VERSION}`,
    );
  }
  return null;
}

/** The decision on a parsed body: 400 naming the problem, or 200 with the webhook's answer. */
async function analyzeBody(
  options: ThreatDetectionRouteOptions,
  body: unknown,
  correlationId: string | null,
  log: FastifyBaseLogger,
): Promise<Answer> {
  if (body === undefined || body === null) {
    return errorAnswer(400, 'The request body is empty: send the tool execution as JSON.', '(body): required');
  }
  const parsed = parseToolExecutionRequest(body);
  if (!parsed.ok) return { status: 400, body: invalidRequestAnswer(parsed.issues) };
  const missing = missingToolExecutionFields(parsed.request);
  if (missing.length > 0) return { status: 400, body: invalidRequestAnswer(missing) };
  const result = await options.protection.analyze(parsed.request, { correlationId });
  log.info(
    {
      correlationId,
      eventId: result.eventId,
      blockAction: result.answer.blockAction,
      reasonCode: result.answer.reasonCode,
      rules: result.hits.map((h) => h.rule),
      failReason: result.failReason,
      decisionMs: Math.round(result.latencyMs * 100) / 100,
    },
    'threat-detection decision',
  );
  return { status: 200, body: result.answer };
}

function correlationIdOf(headers: IncomingMessage['headers']): string | null {
  const raw = headers['x-ms-correlation-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && CORRELATION_ID.test(value) ? value : null;
}

const JSON_TYPE = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

/**
 * `analyze-tool-execution` in front of Fastify (http-server.ts, FastPath): Copilot Studio calls it
 * before every tool call, and Fastify's per-request work (request and reply objects, hooks, the
 * router, its logger) cost more than the decision itself. It takes only the plain case: POST to the
 * exact path, a JSON content type, a Content-Length within the limit and no transfer coding. Anything
 * else (no or another content type, an empty or oversized or chunked body, another method, a path
 * Fastify would normalize) goes to the Fastify route, which answers it as before. The answers are the
 * route's: the same checks in the same order (token, api-version, body), the same JSON parser
 * (Fastify's, with its prototype-poisoning refusal), the same bodies and headers.
 */
export function analyzeFastPath(options: ThreatDetectionRouteOptions): FastPath {
  const path = `${options.prefix ?? THREAT_DETECTION_PREFIX}/analyze-tool-execution`;
  let parseJson: ReturnType<FastifyInstance['getDefaultJsonParser']> | null = null;
  return (req, res, app) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== path) return false;
    const { headers } = req;
    const type = headers['content-type'];
    const length = headers['content-length'];
    if (headers['transfer-encoding'] !== undefined || !type || !JSON_TYPE.test(type)) return false;
    if (!length || !/^\d{1,10}$/.test(length) || Number(length) === 0 || Number(length) > options.bodyLimit)
      return false;
    parseJson ??= app.getDefaultJsonParser('error', 'ignore');
    void serveAnalyze(options, req, res, app.log, url.slice(q < 0 ? url.length : q + 1), parseJson);
    return true;
  };
}

async function serveAnalyze(
  options: ThreatDetectionRouteOptions,
  req: IncomingMessage,
  res: ServerResponse,
  log: FastifyBaseLogger,
  query: string,
  parseJson: ReturnType<FastifyInstance['getDefaultJsonParser']>,
): Promise<void> {
  const requestId = requestIdOf(req);
  const correlationId = correlationIdOf(req.headers);
  const extra: Record<string, string> = {};
  if (correlationId) extra['x-ms-correlation-id'] = correlationId;
  try {
    const refusal = await refusalOf(options, req.headers.authorization, parseQuery(query), correlationId, log);
    if (refusal) {
      if (refusal.status === 401) extra['www-authenticate'] = 'Bearer';
      return answer(res, requestId, extra, refusal);
    }
    const text = await readBody(req, Number(req.headers['content-length']));
    if (text === null) {
      // The client went away or sent less than it announced: Fastify's answer to the same.
      return answer(
        res,
        requestId,
        extra,
        errorAnswer(400, 'The request body is not valid JSON.', 'Request body size did not match Content-Length'),
      );
    }
    let body: unknown;
    let invalid: Error | null = null;
    if (text.trim() !== '') {
      parseJson(req as never, text, (err, value) => {
        invalid = err;
        body = value;
      });
    }
    if (invalid)
      return answer(
        res,
        requestId,
        extra,
        errorAnswer(400, 'The request body is not valid JSON.', (invalid as Error).message),
      );
    // Fastify's request logger carries the request id; a child logger is made only when it will write.
    const infoLog = log.level === 'info' || log.level === 'debug' || log.level === 'trace';
    const decided = await analyzeBody(options, body, correlationId, infoLog ? log.child({ reqId: requestId }) : log);
    answer(res, requestId, extra, decided);
  } catch (err) {
    log.error({ err, reqId: requestId }, 'threat-detection request failed');
    answer(res, requestId, extra, errorAnswer(500, 'Internal error.', `request ${requestId}`));
  }
}

/** The body as text, or null when the stream ended short or failed (Content-Length is enforced by Node). */
function readBody(req: IncomingMessage, length: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received <= length) chunks.push(chunk);
    });
    req.once('end', () =>
      resolve(
        received === length
          ? chunks.length === 1
            ? chunks[0]!.toString('utf8')
            : Buffer.concat(chunks).toString('utf8')
          : null,
      ),
    );
    req.once('error', () => resolve(null));
  });
}

function parseQuery(query: string): Record<string, unknown> {
  return query === '' ? {} : querystring.parse(query);
}

function answer(res: ServerResponse, requestId: string, extra: Record<string, string>, a: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(a.body);
  res.writeHead(a.status, {
    ...extra,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': requestId,
    ...SECURITY_HEADERS,
  });
  res.end(payload);
}
