import { InvalidInputError } from '../domain/errors.js';

/** Keyset pagination: the cursor carries the last row's sort key and id, opaque to clients. */
export interface CursorPosition {
  key: string | number;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined | null): CursorPosition | null {
  if (!cursor) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string') {
      const [key, id] = value as [unknown, string];
      if (typeof key === 'string' || typeof key === 'number') return { key, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidInputError('cursor is not a cursor this API returned', 'cursor');
}
