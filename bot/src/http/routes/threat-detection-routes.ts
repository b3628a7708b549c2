import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
          const correlationId = correlationIdOf(request);
          if (correlationId) reply.header('x-ms-correlation-id', correlationId);
          try {
            await options.verifyToken(request.headers.authorization);
          } catch (err) {
            const why = err instanceof TokenError ? err.message : 'token is not valid';
            request.log.warn({ correlationId, why }, 'threat-detection call refused: bad bearer token');
            reply.header('www-authenticate', 'Bearer');
            return send(reply, 401, 'The bearer token is missing or not valid.', why);
          }
          const version = (request.query as Record<string, unknown>)['api-version'];
          if (version !== WEBHOOK_API_VERSION) {
            const got = version === undefined ? 'missing' : `'${String(version)}' is not supported`;
            return send(
              reply,
              400,
              `The api-version query parameter must be ${WEBHOOK_API_VERSION}.`,
              `api-version ${got}; supported: ${WEBHOOK_API_VERSION}`,
            );
          }
        });

        scope.post('/validate', { bodyLimit: options.bodyLimit }, async (request, reply) => {
          request.log.info({ correlationId: correlationIdOf(request) }, 'threat-detection validate');
          if (!options.protection.ready) {
            return send(reply, 503, 'The threat-detection service is starting.', 'registry not loaded yet');
          }
          return VALIDATE_SUCCESS_ANSWER;
        });

        scope.post('/analyze-tool-execution', { bodyLimit: options.bodyLimit }, async (request, reply) => {
          const correlationId = correlationIdOf(request);
          if (request.body === undefined || request.body === null) {
            return send(reply, 400, 'The request body is empty: send the tool execution as JSON.', '(body): required');
          }
          const parsed = parseToolExecutionRequest(request.body);
          if (!parsed.ok) return reply.code(400).send(invalidRequestAnswer(parsed.issues));
          const missing = missingToolExecutionFields(parsed.request);
          if (missing.length > 0) return reply.code(400).send(invalidRequestAnswer(missing));
          const result = await options.protection.analyze(parsed.request, { correlationId });
          request.log.info(
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
          return result.answer;
        });
      },
      { prefix: options.prefix ?? THREAT_DETECTION_PREFIX },
    );
  };
}

function send(reply: FastifyReply, status: number, message: string, diagnostics = ''): FastifyReply {
  return reply.code(status).send(webhookErrorAnswer(status, message, diagnostics));
}

function correlationIdOf(request: FastifyRequest): string | null {
  const raw = request.headers['x-ms-correlation-id'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value && CORRELATION_ID.test(value) ? value : null;
}
