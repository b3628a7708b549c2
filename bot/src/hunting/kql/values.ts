import type { ScalarType } from './ast.js';

/** A KQL timespan (milliseconds); datetimes are Dates, dynamic values plain JSON. */
export class Timespan {
  constructor(readonly ms: number) {}
}

export type Value = string | number | boolean | null | Date | Timespan | unknown[] | { [key: string]: unknown };
export type Row = Record<string, Value>;

export interface Column {
  name: string;
  type: ScalarType;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Timespan);

/** tostring(): strings as they are, dynamic as JSON, null as "". */
export function toStr(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Timespan) return formatTimespan(v.ms);
  return JSON.stringify(v);
}

export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  const frac = Math.round(rest - s * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${days ? `${days}.` : ''}${pad(h)}:${pad(m)}:${pad(s)}${frac ? `.${String(frac).padStart(3, '0')}0000` : ''}`;
}

// parse_json of the same string is common (one RawAgentInfo per row, several templates): keep the result, up to
// PARSE_CACHE_CHARS characters of text (a parsed value takes a few times its text). A column larger than that is
// kept packed by the query threads (HUNTING_PACKED_CELLS_MB), and its JSON paths kept instead (PackedCells.path).
// Once full, the cache keeps what it holds and takes nothing more until it is emptied (`clearValueCaches`, when a
// query thread lets a table version go, whose text its keys hold): a query over more text than that reads the rows
// in the same order each time, and a cache emptied whenever it filled held the last rows read when the next query
// read the first ones, so it never answered. V8 caches a string's hash on the string, so a hit costs a pointer
// comparison for the same string object.
const parseCache = new Map<string, unknown>();
const PARSE_CACHE_LIMIT = 300_000;
const PARSE_CACHE_CHARS = 128 * 1024 * 1024;
let parseCacheChars = 0;

/** parse_json()/todynamic(): a JSON string becomes dynamic; anything that is not JSON stays a string. */
export function parseJson(v: unknown): Value {
  if (typeof v !== 'string') return (v ?? null) as Value;
  const cached = parseCache.get(v);
  if (cached !== undefined) return cached as Value;
  const parsed = parseJsonUncached(v);
  if (v.length > PARSE_CACHE_CHARS / 128) return parsed;
  if (parseCache.size >= PARSE_CACHE_LIMIT || parseCacheChars + v.length > PARSE_CACHE_CHARS) return parsed;
  parseCache.set(v, parsed);
  parseCacheChars += v.length;
  return parsed;
}

/** Empties the caches of values parsed from text (their keys hold the text of the tables they were read from). */
export function clearValueCaches(): void {
  parseCache.clear();
  parseCacheChars = 0;
  dateCache.clear();
}

/** parse_json() without the cache, for a value read once. */
export function parseJsonUncached(v: unknown): Value {
  if (typeof v !== 'string') return (v ?? null) as Value;
  try {
    return JSON.parse(v) as Value;
  } catch {
    return v;
  }
}

export function toNumber(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() * 10_000;
  if (v instanceof Timespan) return v.ms * 10_000;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() !== '' && Number.isFinite(n) ? n : null;
  }
  return null;
}

export function toBool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return null;
}

const dateCache = new Map<string, Date | null>();

export function toDate(v: unknown): Date | null {
  if (v instanceof Date) return v;
  if (typeof v === 'string' && v !== '') {
    // The same timestamps come back on every run over the same tables: parse each once.
    const cached = dateCache.get(v);
    if (cached !== undefined) return cached;
    const ms = Date.parse(v);
    const d = Number.isNaN(ms) ? null : new Date(ms);
    if (dateCache.size < PARSE_CACHE_LIMIT) dateCache.set(v, d);
    return d;
  }
  return null;
}

export function toTimespan(v: unknown): Timespan | null {
  if (v instanceof Timespan) return v;
  if (typeof v === 'number') return new Timespan(v / 10_000);
  if (typeof v === 'string') {
    const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(v.trim());
    if (!m) return null;
    const ms =
      Number(m[2] ?? 0) * 86_400_000 +
      Number(m[3]) * 3_600_000 +
      Number(m[4]) * 60_000 +
      Number(m[5] ?? 0) * 1000 +
      Number(`0.${m[6] ?? '0'}`) * 1000;
    return new Timespan(m[1] ? -ms : ms);
  }
  return null;
}

/** Ordering for sort/min/max: numbers, dates and timespans by value, strings ordinally; null is smallest. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (a instanceof Timespan && b instanceof Timespan) return a.ms - b.ms;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = toStr(a);
  const sb = toStr(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** `==`: true, false, or null when either side is null (a where treats null as false). */
export function equalValues(a: unknown, b: unknown): boolean | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Timespan && b instanceof Timespan) return a.ms === b.ms;
  if (typeof a === 'number' || typeof b === 'number') {
    const na = toNumber(a);
    const nb = toNumber(b);
    return na !== null && nb !== null && typeof a !== 'string' && typeof b !== 'string' ? na === nb : false;
  }
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** A hashable key for grouping, distinct and joins; null stays distinguishable. */
export function keyOf(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return `\u0000d${v.getTime()}`;
  if (v instanceof Timespan) return `\u0000t${v.ms}`;
  return `\u0000j${JSON.stringify(v)}`;
}

export const isEmptyValue = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** The JSON a result row carries: datetimes as ISO-8601, timespans as d.hh:mm:ss, like runHuntingQuery. */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Timespan) return formatTimespan(v.ms);
  if (v === undefined) return null;
  return v;
}

/** The static type of a runtime value, for columns whose type the compiler could not tell. */
export function typeOfValue(v: unknown): ScalarType {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  if (v instanceof Date) return 'datetime';
  if (v instanceof Timespan) return 'timespan';
  return 'dynamic';
}

/** Term match for `has`: the needle starts and ends at word boundaries of the (lower-cased) text. */
export function hasTerm(text: string, needle: string): boolean {
  if (needle === '') return true;
  const t = text.toLowerCase();
  const n = needle.toLowerCase();
  const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
  let from = 0;
  for (;;) {
    const at = t.indexOf(n, from);
    if (at < 0) return false;
    const beforeOk = !isWord(n[0]) || !isWord(t[at - 1]);
    const afterOk = !isWord(n[n.length - 1]) || !isWord(t[at + n.length]);
    if (beforeOk && afterOk) return true;
    from = at + 1;
  }
}
