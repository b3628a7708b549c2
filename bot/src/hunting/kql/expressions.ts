import { createHash } from 'node:crypto';
import type { Expr, ScalarType, TabularExpr } from './ast.js';
import { errorAt } from './kql-error.js';
import type { KqlRegex } from './re2.js';
import { compileRe2 } from './re2.js';
import type { Column, Row, Value } from './values.js';
import {
  Timespan,
  compareValues,
  equalValues,
  hasTerm,
  isEmptyValue,
  isObject,
  parseJson,
  toBool,
  toDate,
  toNumber,
  toStr,
  toTimespan,
} from './values.js';

/** What an expression needs while it runs: the query's fixed "now". */
export interface EvalContext {
  now: Date;
}

export type Evaluator = (row: Row, ctx: EvalContext) => Value;

export interface CompiledExpr {
  fn: Evaluator;
  type: ScalarType;
}

/** What expressions can refer to besides the row's columns. */
export interface ExprScope {
  columns: Map<string, Column>;
  /** Scalar `let` values (evaluated per run: `let cutoff = ago(30d)` moves with the query's now). */
  scalars: Map<string, CompiledExpr>;
  /** Tabular `let` names usable in `x in (T)`: the values of the table's first column. */
  tableValues(name: string): ((ctx: EvalContext) => Value[]) | null;
  /** toscalar(T | ...): compiles the tabular expression; the value is computed once per run. */
  toscalar?(query: TabularExpr): { type: ScalarType; fn: (ctx: EvalContext) => Value };
}

const NUMERIC: ScalarType[] = ['long', 'real'];

/** Compiles an expression to a closure; unknown columns and functions fail here, at their place. */
export function compileExpr(expr: Expr, scope: ExprScope): CompiledExpr {
  switch (expr.kind) {
    case 'literal': {
      const value = (
        expr.type === 'timespan' ? new Timespan((expr.value as { timespanMs: number }).timespanMs) : expr.value
      ) as Value;
      return { fn: () => value, type: expr.type };
    }
    case 'column': {
      const column = scope.columns.get(expr.name);
      if (column) {
        const name = column.name;
        return { fn: (row) => row[name] ?? null, type: column.type };
      }
      const scalar = scope.scalars.get(expr.name);
      if (scalar) return scalar;
      throw errorAt(expr.pos, `unknown column or name '${expr.name}'`);
    }
    case 'side':
      throw errorAt(expr.pos, `$${expr.side} can only be used in a join's on clause`);
    case 'toscalar': {
      if (!scope.toscalar) throw errorAt(expr.pos, 'toscalar() is not available here');
      const { type, fn } = scope.toscalar(expr.query);
      return { type, fn: (_row, ctx) => fn(ctx) };
    }
    case 'member': {
      const target = compileExpr(expr.target, scope).fn;
      const name = expr.name;
      return {
        fn: (row, ctx) => {
          const v = target(row, ctx);
          return isObject(v) ? ((v[name] ?? null) as Value) : null;
        },
        type: 'dynamic',
      };
    }
    case 'index': {
      const target = compileExpr(expr.target, scope).fn;
      const index = compileExpr(expr.index, scope).fn;
      return {
        fn: (row, ctx) => {
          const v = target(row, ctx);
          const i = index(row, ctx);
          if (Array.isArray(v) && typeof i === 'number') {
            const at = i < 0 ? v.length + i : i;
            return (v[at] ?? null) as Value;
          }
          if (isObject(v) && typeof i === 'string') return (v[i] ?? null) as Value;
          return null;
        },
        type: 'dynamic',
      };
    }
    case 'unary': {
      const operand = compileExpr(expr.operand, scope);
      if (expr.op === '+') return operand;
      const fn = operand.fn;
      return {
        fn: (row, ctx) => {
          const v = fn(row, ctx);
          if (v instanceof Timespan) return new Timespan(-v.ms);
          const n = toNumber(v);
          return n === null ? null : -n;
        },
        type: operand.type,
      };
    }
    case 'binary':
      return compileBinary(expr, scope);
    case 'in':
      return compileIn(expr, scope);
    case 'between': {
      const left = compileExpr(expr.left, scope).fn;
      const low = compileExpr(expr.low, scope).fn;
      const high = compileExpr(expr.high, scope).fn;
      const negated = expr.negated;
      return {
        fn: (row, ctx) => {
          const v = left(row, ctx);
          if (v === null) return null;
          const inside = compareValues(v, low(row, ctx)) >= 0 && compareValues(v, high(row, ctx)) <= 0;
          return negated ? !inside : inside;
        },
        type: 'bool',
      };
    }
    case 'call':
      return compileCall(expr, scope);
  }
}

function compileBinary(expr: Extract<Expr, { kind: 'binary' }>, scope: ExprScope): CompiledExpr {
  const l = compileExpr(expr.left, scope);
  const r = compileExpr(expr.right, scope);
  const left = l.fn;
  const right = r.fn;
  const bool = (fn: Evaluator): CompiledExpr => ({ fn, type: 'bool' });
  const str = (test: (a: string, b: string) => boolean, negate = false): CompiledExpr =>
    bool((row, ctx) => {
      const result = test(toStr(left(row, ctx)), toStr(right(row, ctx)));
      return negate ? !result : result;
    });
  const lower = (s: string) => s.toLowerCase();
  switch (expr.op) {
    case 'and':
      return bool((row, ctx) => {
        const a = left(row, ctx);
        if (a === false) return false;
        const b = right(row, ctx);
        if (b === false) return false;
        return a === true && b === true ? true : null;
      });
    case 'or':
      return bool((row, ctx) => {
        const a = left(row, ctx);
        if (a === true) return true;
        const b = right(row, ctx);
        if (b === true) return true;
        return a === false && b === false ? false : null;
      });
    case '==':
      return bool((row, ctx) => equalValues(left(row, ctx), right(row, ctx)));
    case '!=':
      return bool((row, ctx) => {
        const eq = equalValues(left(row, ctx), right(row, ctx));
        return eq === null ? null : !eq;
      });
    case '=~':
    case '!~': {
      const negate = expr.op === '!~';
      return bool((row, ctx) => {
        const a = left(row, ctx);
        const b = right(row, ctx);
        if (a === null || b === null) return null;
        const eq = lower(toStr(a)) === lower(toStr(b));
        return negate ? !eq : eq;
      });
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const op = expr.op;
      return bool((row, ctx) => {
        const a = left(row, ctx);
        const b = right(row, ctx);
        if (a === null || b === null) return null;
        const c = compareValues(a, b);
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      });
    }
    case 'has':
    case '!has':
      return str((a, b) => hasTerm(a, b), expr.op === '!has');
    case 'has_cs':
    case '!has_cs':
      return str((a, b) => hasTerm(a, b) && a.includes(b), expr.op === '!has_cs');
    case 'hasprefix':
    case '!hasprefix':
      return str((a, b) => new RegExp(`(^|[^\\p{L}\\p{N}_])${escapeRegex(b)}`, 'iu').test(a), expr.op === '!hasprefix');
    case 'hassuffix':
    case '!hassuffix':
      return str((a, b) => new RegExp(`${escapeRegex(b)}($|[^\\p{L}\\p{N}_])`, 'iu').test(a), expr.op === '!hassuffix');
    case 'contains':
    case '!contains':
      return str((a, b) => lower(a).includes(lower(b)), expr.op === '!contains');
    case 'contains_cs':
    case '!contains_cs':
      return str((a, b) => a.includes(b), expr.op === '!contains_cs');
    case 'startswith':
    case '!startswith':
      return str((a, b) => lower(a).startsWith(lower(b)), expr.op === '!startswith');
    case 'startswith_cs':
    case '!startswith_cs':
      return str((a, b) => a.startsWith(b), expr.op === '!startswith_cs');
    case 'endswith':
    case '!endswith':
      return str((a, b) => lower(a).endsWith(lower(b)), expr.op === '!endswith');
    case 'endswith_cs':
    case '!endswith_cs':
      return str((a, b) => a.endsWith(b), expr.op === '!endswith_cs');
    case 'matches regex': {
      const re = constantRegex(expr.right, scope);
      return bool((row, ctx) => re.test(toStr(left(row, ctx))));
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return compileArithmetic(expr.op, l, r);
    default:
      throw errorAt(expr.pos, `unknown operator '${expr.op}'`);
  }
}

function compileArithmetic(op: string, l: CompiledExpr, r: CompiledExpr): CompiledExpr {
  const left = l.fn;
  const right = r.fn;
  const integer = l.type === 'long' && r.type === 'long';
  let type: ScalarType = 'real';
  if (l.type === 'datetime' && r.type === 'datetime' && op === '-') type = 'timespan';
  else if (l.type === 'datetime' || r.type === 'datetime') type = 'datetime';
  else if (l.type === 'timespan' || r.type === 'timespan') type = op === '/' && l.type === r.type ? 'real' : 'timespan';
  else if (integer) type = 'long';
  else if (!NUMERIC.includes(l.type) || !NUMERIC.includes(r.type)) type = 'dynamic';
  return {
    type,
    fn: (row, ctx) => {
      const a = left(row, ctx);
      const b = right(row, ctx);
      if (a === null || b === null) return null;
      if (a instanceof Date) {
        if (b instanceof Date && op === '-') return new Timespan(a.getTime() - b.getTime());
        if (b instanceof Timespan) {
          if (op === '+') return new Date(a.getTime() + b.ms);
          if (op === '-') return new Date(a.getTime() - b.ms);
        }
        return null;
      }
      if (a instanceof Timespan) {
        if (b instanceof Date && op === '+') return new Date(b.getTime() + a.ms);
        if (b instanceof Timespan) {
          if (op === '+') return new Timespan(a.ms + b.ms);
          if (op === '-') return new Timespan(a.ms - b.ms);
          if (op === '/') return a.ms / b.ms;
          return null;
        }
        const n = toNumber(b);
        if (n === null) return null;
        if (op === '*') return new Timespan(a.ms * n);
        if (op === '/') return new Timespan(a.ms / n);
        return null;
      }
      if (b instanceof Timespan && op === '*') {
        const n = toNumber(a);
        return n === null ? null : new Timespan(b.ms * n);
      }
      const x = toNumber(a);
      const y = toNumber(b);
      if (x === null || y === null) return null;
      switch (op) {
        case '+':
          return x + y;
        case '-':
          return x - y;
        case '*':
          return x * y;
        case '/':
          if (y === 0) return null;
          return integer ? Math.trunc(x / y) : x / y;
        default:
          return y === 0 ? null : x % y;
      }
    },
  };
}

function compileIn(expr: Extract<Expr, { kind: 'in' }>, scope: ExprScope): CompiledExpr {
  const left = compileExpr(expr.left, scope).fn;
  const caseless = expr.op === 'in~' || expr.op === '!in~' || expr.op === 'has_any' || expr.op === 'has_all';
  const negate = expr.op.startsWith('!');
  // Each list item is a scalar, a dynamic array (flattened), or a tabular let name (its first column).
  const parts = expr.list.map((item): ((ctx: EvalContext) => Value[]) | Evaluator => {
    if (item.kind === 'column' && !scope.columns.has(item.name)) {
      const table = scope.tableValues(item.name);
      if (table) return table;
    }
    const fn = compileExpr(item, scope).fn;
    return fn;
  });
  const isTable = expr.list.map(
    (item) => item.kind === 'column' && !scope.columns.has(item.name) && scope.tableValues(item.name) !== null,
  );
  const allConstant = expr.list.every((item) => item.kind === 'literal');
  const norm = (v: unknown) => (caseless ? toStr(v).toLowerCase() : v);
  const valuesOf = (row: Row, ctx: EvalContext): unknown[] => {
    const out: unknown[] = [];
    parts.forEach((part, i) => {
      const v = isTable[i] ? (part as (ctx: EvalContext) => Value[])(ctx) : (part as Evaluator)(row, ctx);
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    });
    return out;
  };
  // A constant list (the usual case) becomes a Set once.
  let constantSet: Set<unknown> | null = null;
  const setFor = (row: Row, ctx: EvalContext): Set<unknown> => {
    if (constantSet) return constantSet;
    const set = new Set(valuesOf(row, ctx).map((v) => (v instanceof Date ? v.getTime() : norm(v))));
    if (allConstant) constantSet = set;
    return set;
  };
  let tableSetCtx: EvalContext | null = null;
  let tableSet: Set<unknown> | null = null;
  const onlyTables = isTable.length > 0 && isTable.every(Boolean);

  if (expr.op === 'has_any' || expr.op === 'has_all') {
    const all = expr.op === 'has_all';
    return {
      type: 'bool',
      fn: (row, ctx) => {
        const text = toStr(left(row, ctx));
        const needles = valuesOf(row, ctx).map(toStr);
        return all ? needles.every((n) => hasTerm(text, n)) : needles.some((n) => hasTerm(text, n));
      },
    };
  }
  return {
    type: 'bool',
    fn: (row, ctx) => {
      const v = left(row, ctx);
      if (v === null) return negate ? true : false;
      let set: Set<unknown>;
      if (onlyTables) {
        // Tables do not depend on the row: one set per run.
        if (tableSetCtx !== ctx || !tableSet) {
          tableSet = new Set(valuesOf(row, ctx).map((x) => (x instanceof Date ? x.getTime() : norm(x))));
          tableSetCtx = ctx;
        }
        set = tableSet;
      } else {
        set = setFor(row, ctx);
      }
      const found = set.has(v instanceof Date ? v.getTime() : norm(v));
      return negate ? !found : found;
    },
  };
}

function constantRegex(expr: Expr, scope: ExprScope): KqlRegex {
  if (expr.kind !== 'literal' && !(expr.kind === 'column' && scope.scalars.has(expr.name))) {
    throw errorAt(expr.pos, 'the pattern of matches regex must be a string literal');
  }
  const value = expr.kind === 'literal' ? expr.value : scope.scalars.get(expr.name)?.fn({}, { now: new Date() });
  try {
    return compileRe2(String(value ?? ''));
  } catch (error) {
    throw errorAt(expr.pos, `invalid regular expression: ${(error as Error).message}`);
  }
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Scalar functions: name -> (argument count check, compile).
type FnImpl = (args: CompiledExpr[], expr: Extract<Expr, { kind: 'call' }>, scope: ExprScope) => CompiledExpr;

const unaryFn =
  (type: ScalarType, f: (v: Value, ctx: EvalContext) => Value): FnImpl =>
  (args) => {
    const a = (args[0] as CompiledExpr).fn;
    return { type, fn: (row, ctx) => f(a(row, ctx), ctx) };
  };

const FUNCTIONS: Record<string, { min: number; max: number; impl: FnImpl }> = {
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
    impl: (args, expr, scope) => {
      const name = expr.args[0] as Expr;
      if (name.kind !== 'literal' || typeof name.value !== 'string') {
        throw errorAt(name.pos, 'the column name of column_ifexists must be a string literal');
      }
      return scope.columns.has(name.value)
        ? compileExpr({ kind: 'column', pos: name.pos, name: name.value }, scope)
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

function constantRegexText(expr: Expr, scope: ExprScope): string {
  if (expr.kind === 'literal') return String(expr.value ?? '');
  return String(scope.scalars.get((expr as { name: string }).name)?.fn({}, { now: new Date() }) ?? '');
}

function safeCompile<T>(f: () => T, at: Expr): T {
  try {
    return f();
  } catch (error) {
    throw errorAt(at.pos, `invalid regular expression: ${(error as Error).message}`);
  }
}

/** format_datetime(): the .NET-style specifiers Kusto documents (y, M, d, H, h, m, s, f, tt, and separators). */
function formatDatetime(d: Date, format: string): string {
  const parts: Record<string, (n: number) => string> = {
    y: (n) => String(d.getUTCFullYear() % 10 ** Math.max(2, n)).padStart(n, '0'),
    M: (n) => String(d.getUTCMonth() + 1).padStart(n, '0'),
    d: (n) => String(d.getUTCDate()).padStart(n, '0'),
    H: (n) => String(d.getUTCHours()).padStart(n, '0'),
    h: (n) => String(d.getUTCHours() % 12 || 12).padStart(n, '0'),
    m: (n) => String(d.getUTCMinutes()).padStart(n, '0'),
    s: (n) => String(d.getUTCSeconds()).padStart(n, '0'),
    f: (n) => String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(n, '0').slice(0, n),
    F: (n) => String(d.getUTCMilliseconds()).padStart(3, '0').padEnd(n, '0').slice(0, n).replace(/0+$/, ''),
    t: (n) => (d.getUTCHours() < 12 ? 'AM' : 'PM').slice(0, n),
  };
  let out = '';
  for (let i = 0; i < format.length;) {
    const c = format[i] as string;
    let n = 1;
    while (format[i + n] === c) n += 1;
    const part = parts[c];
    if (part) {
      out += c === 'y' && n >= 4 ? String(d.getUTCFullYear()).padStart(n, '0') : part(n);
    } else {
      out += format.slice(i, i + n);
    }
    i += n;
  }
  return out;
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

const urlCache = new Map<string, Value>();

/** parse_url(), once per distinct URL (the results are never changed). */
function parseUrl(text: string): Value {
  const cached = urlCache.get(text);
  if (cached !== undefined) return cached;
  const parsed = parseUrlUncached(text);
  if (urlCache.size >= 100_000) urlCache.clear();
  urlCache.set(text, parsed);
  return parsed;
}

/** parse_url(): the parts KQL returns; Port is a string, empty when the URL has none. */
function parseUrlUncached(text: string): Value {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return {};
  }
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => {
    query[k] = v;
  });
  return {
    Scheme: u.protocol.replace(/:$/, ''),
    Host: u.hostname,
    Port: u.port,
    Path: u.pathname,
    Username: decodeURIComponent(u.username),
    Password: decodeURIComponent(u.password),
    'Query Parameters': query,
    Fragment: u.hash.replace(/^#/, ''),
  };
}

export const isScalarFunction = (name: string): boolean => name in FUNCTIONS;

function compileCall(expr: Extract<Expr, { kind: 'call' }>, scope: ExprScope): CompiledExpr {
  const def = FUNCTIONS[expr.name];
  if (!def) {
    if (AGGREGATE_NAMES.has(expr.name)) {
      throw errorAt(expr.pos, `${expr.name}() is an aggregation: use it in summarize`);
    }
    throw errorAt(expr.pos, `unknown function '${expr.name}'`);
  }
  if (expr.star) throw errorAt(expr.pos, `${expr.name}() does not take *`);
  if (expr.args.length < def.min || expr.args.length > def.max) {
    const want = def.min === def.max ? `${def.min}` : `${def.min} to ${def.max}`;
    throw errorAt(
      expr.pos,
      `${expr.name}() takes ${want} argument${def.max === 1 ? '' : 's'}, got ${expr.args.length}`,
    );
  }
  const args = expr.args.map((a) => compileExpr(a, scope));
  return def.impl(args, expr, scope);
}

/** Names the aggregation functions use, so a misplaced one gets a helpful error. */
export const AGGREGATE_NAMES = new Set([
  'count',
  'countif',
  'dcount',
  'dcountif',
  'make_set',
  'make_set_if',
  'make_list',
  'make_list_if',
  'arg_max',
  'arg_min',
  'min',
  'max',
  'sum',
  'avg',
  'take_any',
  'any',
  'percentile',
  'percentiles',
]);

/** The column name KQL gives an unnamed expression: the column, or the path of a member access. */
export function derivedName(expr: Expr): string | null {
  switch (expr.kind) {
    case 'column':
      return expr.name;
    case 'member': {
      const base = derivedName(expr.target);
      return base ? `${base}_${expr.name}` : null;
    }
    case 'index': {
      const base = derivedName(expr.target);
      if (!base) return null;
      if (expr.index.kind === 'literal') return `${base}_${String(expr.index.value).replace(/[^\w]/g, '')}`;
      return base;
    }
    case 'call':
      return expr.args.length >= 1 &&
        [
          'tostring',
          'toint',
          'tolong',
          'todouble',
          'toreal',
          'tobool',
          'todatetime',
          'parse_json',
          'todynamic',
          'tolower',
          'toupper',
          'bin',
        ].includes(expr.name)
        ? derivedName(expr.args[0] as Expr)
        : null;
    default:
      return null;
  }
}
