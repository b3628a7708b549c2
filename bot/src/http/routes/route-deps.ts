import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { InventoryQueries } from '../../inventory/inventory-queries.js';
import type { ActionContext } from '../../response/response-actions.js';
import type { ResponseService } from '../../response/response-service.js';
import type { Store } from '../../store/store.js';
import type { HuntingService } from '../../hunting/hunting-service.js';
import type { Principal } from '../../domain/types.js';
import { InvalidInputError } from '../../domain/errors.js';

/** What the API routes need; built once in the composition root. */
export interface RouteDeps {
  config: Config;
  store: Store;
  queries: InventoryQueries;
  actions: ResponseService;
  version: string;
  /** Templates and KQL over the hunting tables (bot/src/hunting). */
  hunting: HuntingService;
  /** For audit times outside the response service; defaults to the system clock. */
  clock?: () => Date;
}

/** Method, path and body: the same Idempotency-Key sent with another request is refused (422). */
function requestDigest(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '';
  return createHash('sha256')
    .update(JSON.stringify([request.method, path, request.body ?? null]))
    .digest('base64url');
}

/** The action context of a request: who, which idempotency key, via which surface. */
export function actionContext(request: FastifyRequest, principal: Principal): ActionContext {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw new InvalidInputError('Idempotency-Key must be 1 to 200 characters', 'Idempotency-Key');
  }
  // Keys are scoped to the person, so one user's key can never replay another's action.
  return {
    principal,
    idempotencyKey: key ? `${principal.id}:${key}` : null,
    requestDigest: key ? requestDigest(request) : null,
    via: request.headers['x-warden-client'] === 'tab' ? 'tab' : 'api',
  };
}
