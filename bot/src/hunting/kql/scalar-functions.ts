// The table of built-in scalar functions: name -> argument counts and how to compile a call.
import { createHash } from 'node:crypto';
import type { Expr, ScalarType } from './ast.js';
import type { CompiledExpr, EvalContext, ExprScope } from './expression-types.js';
import { formatDatetime } from './format-datetime.js';
import { errorAt } from './kql-error.js';
import { parseUrl } from './parse-url.js';
import type { KqlRegex } from './re2.js';
import { compileRe2 } from './re2.js';
import { constantRegex, constantRegexText, safeCompile } from './regex-arguments.js';
import type { Value } from './values.js';
import {
  Timespan,
  compareValues,
  equalValues,
  isEmptyValue,
  isObject,
  parseJson,
  toBool,
  toDate,
  toNumber,
  toStr,
  toTimespan,
} from './values.js';

// Scalar functions: name -> (argument count check, compile).
type FnImpl = (
  args: CompiledExpr[],
  expr: Extract<Expr, { kind: 'call' }>,
  scope: ExprScope,
  compile: (expr: Expr, scope: ExprScope) => CompiledExpr,
) => CompiledExpr;

const unaryFn =
  (type: ScalarType, f: (v: Value, ctx: EvalContext) => Value): FnImpl =>
  (args) => {
    const a = (args[0] as CompiledExpr).fn;
    return { type, fn: (row, ctx) => f(a(row, ctx), ctx) };
  };

export const FUNCTIONS: Record<string, { min: number; max: number; impl: FnImpl }> = {
  ago: {
    min: 1,
    max: 1,
    impl: unaryFn('datetime', (v, ctx) => {
      const span = toTimespan(v);
      return span ? new Date(ctx.now.getTime() - span.ms) : null;
    }),
  },
  now: {
    min: 0,
    max: 1,
    impl: (args) => {
      const offset = args[0]?.fn;
      return {
        type: 'datetime',
        fn: (row, ctx) => {
          const span = offset ? toTimespan(offset(row, ctx)) : null;
          return new Date(ctx.now.getTime() + (span?.ms ?? 0));
        },
      };
    },
  },
  tostring: { min: 1, max: 1, impl: unaryFn('string', (v) => toStr(v)) },
  toint: { min: 1, max: 1, impl: unaryFn('long', (v) => truncOrNull(toNumber(v))) },
  tolong: { min: 1, max: 1, impl: unaryFn('long', (v) => truncOrNull(toNumber(v))) },
  todouble: { min: 1, max: 1, impl: unaryFn('real', (v) => toNumber(v)) },
  toreal: { min: 1, max: 1, impl: unaryFn('real', (v) => toNumber(v)) },
  todecimal: { min: 1, max: 1, impl: unaryFn('real', (v) => toNumber(v)) },
  tobool: { min: 1, max: 1, impl: unaryFn('bool', (v) => toBool(v)) },
  toboolean: { min: 1, max: 1, impl: unaryFn('bool', (v) => toBool(v)) },
  todatetime: { min: 1, max: 1, impl: unaryFn('datetime', (v) => toDate(v)) },
  totimespan: { min: 1, max: 1, impl: unaryFn('timespan', (v) => toTimespan(v)) },
  parse_json: { min: 1, max: 1, impl: unaryFn('dynamic', (v) => parseJson(v)) },
  todynamic: { min: 1, max: 1, impl: unaryFn('dynamic', (v) => parseJson(v)) },
  isempty: { min: 1, max: 1, impl: unaryFn('bool', (v) => isEmptyValue(v)) },
  isnotempty: { min: 1, max: 1, impl: unaryFn('bool', (v) => !isEmptyValue(v)) },
  isnull: { min: 1, max: 1, impl: unaryFn('bool', (v) => v === null || v === undefined) },
  isnotnull: { min: 1, max: 1, impl: unaryFn('bool', (v) => v !== null && v !== undefined) },
  not: {
    min: 1,
    max: 1,
    impl: unaryFn('bool', (v) => {
      const b = toBool(v);
      return b === null ? null : !b;
    }),
  },
  strlen: { min: 1, max: 1, impl: unaryFn('long', (v) => toStr(v).length) },
  tolower: { min: 1, max: 1, impl: unaryFn('string', (v) => toStr(v).toLowerCase()) },
  toupper: { min: 1, max: 1, impl: unaryFn('string', (v) => toStr(v).toUpperCase()) },
  array_length: { min: 1, max: 1, impl: unaryFn('long', (v) => (Array.isArray(v) ? v.length : null)) },
  bag_keys: { min: 1, max: 1, impl: unaryFn('dynamic', (v) => (isObject(v) ? Object.keys(v) : null)) },
  gettype: { min: 1, max: 1, impl: unaryFn('string', (v) => kqlTypeName(v)) },
  parse_url: { min: 1, max: 1, impl: unaryFn('dynamic', (v) => parseUrl(toStr(v))) },
  startofday: {
    min: 1,
    max: 1,
    impl: unaryFn('datetime', (v) => {
      const d = toDate(v);
      return d ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) : null;
    }),
  },
  strcat: {
    min: 1,
    max: 64,
    impl: (args) => ({ type: 'string', fn: (row, ctx) => args.map((a) => toStr(a.fn(row, ctx))).join('') }),
  },
  strcat_array: {
    min: 2,
    max: 2,
    impl: ([arr, delim]) => ({
      type: 'string',
      fn: (row, ctx) => {
        const v = (arr as CompiledExpr).fn(row, ctx);
        return Array.isArray(v) ? v.map(toStr).join(toStr((delim as CompiledExpr).fn(row, ctx))) : '';
      },
    }),
  },
  split: {
    min: 2,
    max: 3,
    impl: ([s, d, i]) => ({
      type: i ? 'string' : 'dynamic',
      fn: (row, ctx) => {
        const parts = toStr((s as CompiledExpr).fn(row, ctx)).split(toStr((d as CompiledExpr).fn(row, ctx)));
        if (!i) return parts;
        const at = toNumber(i.fn(row, ctx));
        return at === null ? null : (parts[at] ?? null);
      },
    }),
  },
  pack_array: {
    min: 0,
    max: 64,
    impl: (args) => ({ type: 'dynamic', fn: (row, ctx) => args.map((a) => a.fn(row, ctx)) }),
  },
  array_concat: {
    min: 1,
    max: 64,
    impl: (args) => ({
      type: 'dynamic',
      fn: (row, ctx) =>
        args.flatMap((a) => {
          const v = a.fn(row, ctx);
          return Array.isArray(v) ? v : [];
        }),
    }),
  },
  set_difference: {
    min: 2,
    max: 64,
    impl: ([first, ...rest]) => ({
      type: 'dynamic',
      fn: (row, ctx) => {
        const base = (first as CompiledExpr).fn(row, ctx);
        if (!Array.isArray(base)) return null;
        const drop = new Set(
          rest.flatMap((a) => {
            const v = a.fn(row, ctx);
            return Array.isArray(v) ? v.map((x) => JSON.stringify(x)) : [];
          }),
        );
        const seen = new Set<string>();
        return base.filter((x) => {
          const k = JSON.stringify(x);
          if (drop.has(k) || seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      },
    }),
  },
  set_has_element: {
    min: 2,
    max: 2,
    impl: ([arr, v]) => ({
      type: 'bool',
      fn: (row, ctx) => {
        const a = (arr as CompiledExpr).fn(row, ctx);
        const x = (v as CompiledExpr).fn(row, ctx);
        return Array.isArray(a) ? a.some((e) => equalValues(e, x) === true) : null;
      },
    }),
  },
  iff: { min: 3, max: 3, impl: iffImpl },
  iif: { min: 3, max: 3, impl: iffImpl },
  case: {
    min: 3,
    max: 129,
    impl: (args, expr) => {
      if (args.length % 2 === 0)
        throw errorAt(expr.pos, 'case() takes pairs of condition, value and then an else value');
      const otherwise = (args[args.length - 1] as CompiledExpr).fn;
      return {
        type: (args[1] as CompiledExpr).type,
        fn: (row, ctx) => {
          for (let i = 0; i + 1 < args.length; i += 2) {
            if ((args[i] as CompiledExpr).fn(row, ctx) === true) return (args[i + 1] as CompiledExpr).fn(row, ctx);
          }
          return otherwise(row, ctx);
        },
      };
    },
  },
  // column_ifexists("Name", default): the column when the input has it, else the default (decided when compiling).
  column_ifexists: {
    min: 2,
    max: 2,
    impl: (args, expr, scope, compile) => {
      const name = expr.args[0] as Expr;
      if (name.kind !== 'literal' || typeof name.value !== 'string') {
        throw errorAt(name.pos, 'the column name of column_ifexists must be a string literal');
      }
      return scope.columns.has(name.value)
        ? compile({ kind: 'column', pos: name.pos, name: name.value }, scope)
        : (args[1] as CompiledExpr);
    },
  },
  coalesce: {
    min: 1,
    max: 64,
    impl: (args) => ({
      type: (args[0] as CompiledExpr).type,
      fn: (row, ctx) => {
        for (const a of args) {
          const v = a.fn(row, ctx);
          if (!isEmptyValue(v)) return v;
        }
        return null;
      },
    }),
  },
  extract: {
    min: 3,
    max: 3,
    impl: (args, expr, scope) => {
      const re = constantRegex(expr.args[0] as Expr, scope);
      const group = (args[1] as CompiledExpr).fn;
      const source = (args[2] as CompiledExpr).fn;
      return {
        type: 'string',
        fn: (row, ctx) => {
          const g = toNumber(group(row, ctx)) ?? 0;
          return re.group(toStr(source(row, ctx)), g) ?? '';
        },
      };
    },
  },
  // extract_all(regex, [captureGroups,] source): every match's capture groups (all, or those captureGroups names by
  // number or name); one group gives a flat array, several an array per match; null when nothing matches (RE2).
  extract_all: { min: 2, max: 3, impl: (args, expr, scope) => extractAllImpl(args, expr, scope) },
  extractall: { min: 2, max: 3, impl: (args, expr, scope) => extractAllImpl(args, expr, scope) },
  replace_string: {
    min: 3,
    max: 3,
    impl: ([s, lookup, rewrite]) => ({
      type: 'string',
      fn: (row, ctx) =>
        toStr((s as CompiledExpr).fn(row, ctx))
          .split(toStr((lookup as CompiledExpr).fn(row, ctx)))
          .join(toStr((rewrite as CompiledExpr).fn(row, ctx))),
    }),
  },
  substring: {
    min: 2,
    max: 3,
    impl: ([s, start, len]) => ({
      type: 'string',
      fn: (row, ctx) => {
        const text = toStr((s as CompiledExpr).fn(row, ctx));
        const from = Math.max(0, toNumber((start as CompiledExpr).fn(row, ctx)) ?? 0);
        const n = len ? toNumber(len.fn(row, ctx)) : null;
        return n === null ? text.slice(from) : text.slice(from, from + n);
      },
    }),
  },
  // indexof(source, lookup [, start [, length [, occurrence]]]): -1 when not found, null for a bad start/length.
  indexof: {
    min: 2,
    max: 5,
    impl: ([s, needle, start, length, occurrence]) => ({
      type: 'long',
      fn: (row, ctx) => {
        const text = toStr((s as CompiledExpr).fn(row, ctx));
        const look = toStr((needle as CompiledExpr).fn(row, ctx));
        let from = start ? toNumber(start.fn(row, ctx)) : 0;
        const len = length ? toNumber(length.fn(row, ctx)) : -1;
        const nth = occurrence ? toNumber(occurrence.fn(row, ctx)) : 1;
        if (from === null || len === null || nth === null || nth < 1 || len < -1) return null;
        if (from < 0) from = Math.max(0, text.length + from);
        if (from > text.length) return -1;
        const end = len === -1 ? text.length : Math.min(text.length, from + len);
        let at = from - 1;
        for (let k = 0; k < nth; k += 1) {
          at = text.indexOf(look, at + 1);
          if (at < 0 || at + look.length > end) return -1;
        }
        return at;
      },
    }),
  },
  hash_sha256: {
    min: 1,
    max: 1,
    impl: unaryFn('string', (v) => (v === null ? null : createHash('sha256').update(toStr(v), 'utf8').digest('hex'))),
  },
  array_sort_asc: { min: 1, max: 2, impl: ([a]) => sortArray(a as CompiledExpr, 1) },
  array_sort_desc: { min: 1, max: 2, impl: ([a]) => sortArray(a as CompiledExpr, -1) },
  // trim(regex, text): removes leading and trailing matches of the regex (RE2, linear).
  trim: { min: 2, max: 2, impl: (args, expr, scope) => trimImpl(args, expr, scope, true, true) },
  trim_start: { min: 2, max: 2, impl: (args, expr, scope) => trimImpl(args, expr, scope, true, false) },
  trim_end: { min: 2, max: 2, impl: (args, expr, scope) => trimImpl(args, expr, scope, false, true) },
  format_datetime: {
    min: 2,
    max: 2,
    impl: ([d, f]) => ({
      type: 'string',
      fn: (row, ctx) => {
        const date = toDate((d as CompiledExpr).fn(row, ctx));
        return date ? formatDatetime(date, toStr((f as CompiledExpr).fn(row, ctx))) : '';
      },
    }),
  },
  array_index_of: {
    min: 2,
    max: 2,
    impl: ([a, v]) => ({
      type: 'long',
      fn: (row, ctx) => {
        const arr = (a as CompiledExpr).fn(row, ctx);
        const x = (v as CompiledExpr).fn(row, ctx);
        if (!Array.isArray(arr)) return null;
        return arr.findIndex((e) => equalValues(e, x) === true);
      },
    }),
  },
  isnotnullorempty: { min: 1, max: 1, impl: unaryFn('bool', (v) => !isEmptyValue(v)) },
  bag_has_key: {
    min: 2,
    max: 2,
    impl: ([b, k]) => ({
      type: 'bool',
      fn: (row, ctx) => {
        const bag = (b as CompiledExpr).fn(row, ctx);
        return isObject(bag) ? Object.hasOwn(bag, toStr((k as CompiledExpr).fn(row, ctx))) : false;
      },
    }),
  },
  bin: {
    min: 2,
    max: 2,
    impl: ([v, size]) => ({
      type: (v as CompiledExpr).type,
      fn: (row, ctx) => {
        const x = (v as CompiledExpr).fn(row, ctx);
        const s = (size as CompiledExpr).fn(row, ctx);
        if (x instanceof Date && s instanceof Timespan && s.ms > 0) {
          return new Date(Math.floor(x.getTime() / s.ms) * s.ms);
        }
        const n = toNumber(x);
        const step = toNumber(s);
        return n === null || !step ? null : Math.floor(n / step) * step;
      },
    }),
  },
  datetime_diff: {
    min: 3,
    max: 3,
    impl: ([unit, a, b]) => ({
      type: 'long',
      fn: (row, ctx) => {
        const d1 = toDate((a as CompiledExpr).fn(row, ctx));
        const d2 = toDate((b as CompiledExpr).fn(row, ctx));
        const ms = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000, week: 604_800_000 }[
          toStr((unit as CompiledExpr).fn(row, ctx)).toLowerCase()
        ];
        return d1 && d2 && ms ? Math.floor(d1.getTime() / ms) - Math.floor(d2.getTime() / ms) : null;
      },
    }),
  },
  abs: {
    min: 1,
    max: 1,
    impl: unaryFn('real', (v) => (toNumber(v) === null ? null : Math.abs(toNumber(v) as number))),
  },
  round: {
    min: 1,
    max: 2,
    impl: ([v, p]) => ({
      type: 'real',
      fn: (row, ctx) => {
        const n = toNumber((v as CompiledExpr).fn(row, ctx));
        const digits = p ? (toNumber(p.fn(row, ctx)) ?? 0) : 0;
        return n === null ? null : Math.round(n * 10 ** digits) / 10 ** digits;
      },
    }),
  },
  max_of: {
    min: 2,
    max: 64,
    impl: (args) => ({
      type: (args[0] as CompiledExpr).type,
      fn: (row, ctx) =>
        args.map((a) => a.fn(row, ctx)).reduce<Value>((m, v) => (v !== null && compareValues(v, m) > 0 ? v : m), null),
    }),
  },
  min_of: {
    min: 2,
    max: 64,
    impl: (args) => ({
      type: (args[0] as CompiledExpr).type,
      fn: (row, ctx) =>
        args
          .map((a) => a.fn(row, ctx))
          .reduce<Value>((m, v) => (v !== null && (m === null || compareValues(v, m) < 0) ? v : m), null),
    }),
  },
};

/** Kusto's limit on the capture groups of an extract_all pattern. */
const MAX_EXTRACT_ALL_GROUPS = 16;

function extractAllImpl(args: CompiledExpr[], expr: Extract<Expr, { kind: 'call' }>, scope: ExprScope): CompiledExpr {
  const pattern = expr.args[0] as Expr;
  const re = constantRegex(pattern, scope);
  if (re.groupCount < 1 || re.groupCount > MAX_EXTRACT_ALL_GROUPS) {
    throw errorAt(
      pattern.pos,
      `extract_all() needs a regular expression with 1 to ${MAX_EXTRACT_ALL_GROUPS} capture groups, this one has ${re.groupCount}`,
    );
  }
  let selected = Array.from({ length: re.groupCount }, (_, i) => i + 1);
  if (expr.args.length === 3) {
    const list = expr.args[1] as Expr;
    if (list.kind !== 'literal' || !Array.isArray(list.value) || list.value.length === 0) {
      throw errorAt(list.pos, 'the capture groups of extract_all() must be a non-empty dynamic array literal');
    }
    selected = list.value.map((g) => {
      const n = typeof g === 'string' ? re.namedGroups[g] : typeof g === 'number' && Number.isInteger(g) ? g : NaN;
      if (n === undefined || !(Number(n) >= 1 && Number(n) <= re.groupCount)) {
        throw errorAt(
          list.pos,
          `extract_all(): capture group ${JSON.stringify(g)} is not in the regular expression (1 to ${re.groupCount}${
            Object.keys(re.namedGroups).length > 0 ? ` or ${Object.keys(re.namedGroups).join(', ')}` : ''
          })`,
        );
      }
      return Number(n);
    });
  }
  const source = (args[args.length - 1] as CompiledExpr).fn;
  return {
    type: 'dynamic',
    fn: (row, ctx) => {
      const text = source(row, ctx);
      if (text === null || text === undefined) return null;
      const matches = re.all(toStr(text));
      if (matches.length === 0) return null;
      // A group that took no part in a match reads as an empty string, as in extract().
      const pick = (m: (string | null)[], g: number) => m[g - 1] ?? '';
      return selected.length === 1
        ? matches.map((m) => pick(m, selected[0] as number))
        : matches.map((m) => selected.map((g) => pick(m, g)));
    },
  };
}

function sortArray(a: CompiledExpr, sign: number): CompiledExpr {
  return {
    type: 'dynamic',
    fn: (row, ctx) => {
      const v = a.fn(row, ctx);
      if (!Array.isArray(v)) return null;
      // Kusto puts nulls last in both directions.
      const values = v.filter((x) => x !== null && x !== undefined) as Value[];
      const nulls = v.length - values.length;
      values.sort((x, y) => sign * compareValues(x, y));
      return [...values, ...new Array<null>(nulls).fill(null)];
    },
  };
}

function trimImpl(
  args: CompiledExpr[],
  expr: Extract<Expr, { kind: 'call' }>,
  scope: ExprScope,
  start: boolean,
  end: boolean,
): CompiledExpr {
  const re = (expr.args[0] as Expr).kind === 'literal' ? null : args[0];
  const cache = new Map<string, { lead: KqlRegex; tail: KqlRegex }>();
  const compile = (pattern: string) => {
    let c = cache.get(pattern);
    if (!c) {
      c = { lead: compileRe2(`^(?:${pattern})+`), tail: compileRe2(`(?:${pattern})+$`) };
      if (cache.size > 64) cache.clear();
      cache.set(pattern, c);
    }
    return c;
  };
  const fixed = re ? null : constantRegexText(expr.args[0] as Expr, scope);
  const fixedCompiled = fixed === null ? null : safeCompile(() => compile(fixed), expr.args[0] as Expr);
  const text = args[1] as CompiledExpr;
  return {
    type: 'string',
    fn: (row, ctx) => {
      const pattern = fixedCompiled ?? compile(toStr((re as CompiledExpr).fn(row, ctx)));
      let s = toStr(text.fn(row, ctx));
      if (start) {
        const m = pattern.lead.group(s, 0);
        if (m) s = s.slice(m.length);
      }
      if (end) {
        const m = pattern.tail.group(s, 0);
        if (m) s = s.slice(0, s.length - m.length);
      }
      return s;
    },
  };
}

function iffImpl(args: CompiledExpr[]): CompiledExpr {
  const [c, a, b] = args as [CompiledExpr, CompiledExpr, CompiledExpr];
  return { type: a.type, fn: (row, ctx) => (c.fn(row, ctx) === true ? a.fn(row, ctx) : b.fn(row, ctx)) };
}

const truncOrNull = (n: number | null) => (n === null ? null : Math.trunc(n));

function kqlTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  if (v instanceof Date) return 'datetime';
  if (v instanceof Timespan) return 'timespan';
  return Array.isArray(v) ? 'array' : 'dictionary';
}

export const isScalarFunction = (name: string): boolean => name in FUNCTIONS;
