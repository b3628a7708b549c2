/**
 * PostgreSQL refuses the NUL character in text and jsonb, and lone UTF-16 surrogates in jsonb
 * ("unsupported Unicode escape sequence"): a decision carrying one in a recipient or a conversation
 * id would be answered but never stored. Such characters become U+FFFD in a copy of the record,
 * so what the attacker sent is kept, visibly marked, and the rest of the record is stored as is. The
 * record is copied only where something had to be replaced (the common case is left as it is).
 */
export function storable<T>(value: T): T {
  return clean(value) as T;
}

const REPLACEMENT = '\uFFFD';
// NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// The same, without the global flag: a test that leaves no state behind.
const UNSTORABLE_ANY = new RegExp(UNSTORABLE.source);

function cleanString(s: string): string {
  return UNSTORABLE_ANY.test(s) ? s.replace(UNSTORABLE, REPLACEMENT) : s;
}

/** The value with unstorable characters replaced; the same value (not a copy) when it has none. */
function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const c = clean(v);
      if (c !== v) (out ??= value.slice())[i] = c;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    let changed = false;
    const entries = Object.entries(value).map(([k, v]) => {
      const ck = cleanString(k);
      const cv = clean(v);
      if (ck !== k || cv !== v) changed = true;
      return [ck, cv] as const;
    });
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}
