import { InvalidInputError } from '../domain/errors.js';
import { textProblem } from '../domain/input-text.js';

/** Keyset pagination: the cursor carries the last row's sort key and id, opaque to clients. */
export interface CursorPosition {
  key: string | number;
  id: string;
}

/**
 * What the sort key of a listing is, so a cursor made up by a client is refused (400) before it reaches
 * SQL: `integer` (a safe integer), `timestamp` (ISO 8601 with a zone, a real calendar date), `text`.
 */
export type CursorKeyKind = 'integer' | 'timestamp' | 'text';

const MAX_CURSOR_TEXT = 1000;
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined | null, kind: CursorKeyKind): CursorPosition | null {
  if (!cursor) return null;
  let value: unknown = null;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // refused below
  }
  if (Array.isArray(value) && value.length === 2 && isText(value[1]) && isKeyOf(kind, value[0])) {
    return { key: value[0] as string | number, id: value[1] };
  }
  throw new InvalidInputError('cursor is not a cursor this API returned', 'cursor');
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_CURSOR_TEXT && textProblem(v, 'line') === null;
}

function isKeyOf(kind: CursorKeyKind, key: unknown): boolean {
  if (kind === 'integer') return typeof key === 'number' && Number.isSafeInteger(key);
  if (kind === 'text') return isText(key);
  return typeof key === 'string' && isTimestamp(key);
}

function isTimestamp(s: string): boolean {
  const m = ISO_TIMESTAMP.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Day 31 of a 30-day month (or 2025-02-29) passes the pattern; PostgreSQL would refuse it with a 500.
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
