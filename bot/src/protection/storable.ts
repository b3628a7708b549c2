/**
 * PostgreSQL refuses the NUL character in text and jsonb, and lone UTF-16 surrogates in jsonb
 * ("unsupported Unicode escape sequence"): a decision carrying one in a recipient or a conversation
 * id would be answered but never stored. Such characters become U+FFFD in a copy of the record,
 * so what the attacker sent is kept, visibly marked, and the rest of the record is stored as is.
 */
export function storable<T>(value: T): T {
  return clean(value) as T;
}

const REPLACEMENT = '\uFFFD';
// NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function cleanString(s: string): string {
  return s.replace(UNSTORABLE, REPLACEMENT);
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanString(k)] = clean(v);
    return out;
  }
  return value;
}
