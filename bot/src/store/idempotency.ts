import { DomainError } from '../domain/errors.js';
import type { Sql } from './db.js';

export type IdempotencyClaim<T> = { fresh: true } | { fresh: false; result: T };

/**
 * Claims an idempotency key inside the caller's transaction. A second request with the same key
 * waits on the first one's row (PostgreSQL blocks on the unique index until it commits) and then
 * reads its stored result; the first request stores its result with `record` before committing.
 * `request` is a digest of what the key was sent with (target, body): the same key with another
 * action or another request is refused with IdempotencyKeyReusedError.
 */
export async function claimIdempotencyKey<T>(
  tx: Sql,
  key: string,
  action: string,
  request: string | null = null,
): Promise<IdempotencyClaim<T>> {
  const inserted = await tx.query(
    'insert into idempotency (key, action, request) values ($1, $2, $3) on conflict do nothing returning key',
    [key, action, request],
  );
  if (inserted.length === 1) return { fresh: true };
  const rows = await tx.query<{ action: string; request: string | null; result: T }>(
    'select action, request, result from idempotency where key = $1',
    [key],
  );
  const row = rows[0];
  if (!row || row.action !== action || row.request !== request || row.result === null) {
    throw new IdempotencyKeyReusedError(key);
  }
  return { fresh: false, result: row.result };
}

export async function recordIdempotentResult(tx: Sql, key: string, result: unknown): Promise<void> {
  await tx.query('update idempotency set result = $2 where key = $1', [key, JSON.stringify(result)]);
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(
      'idempotency_key_reused',
      `Idempotency-Key '${key}' was already used for a different request`,
      422,
      'Idempotency-Key',
    );
  }
}
