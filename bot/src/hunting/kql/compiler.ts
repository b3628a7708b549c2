// Compiles KQL scalar expressions to closures over a row: operators here, built-in functions in scalar-functions.ts.
import type { Expr, ScalarType } from './ast.js';
import { AGGREGATE_NAMES } from './aggregate-names.js';
import type { CompiledExpr, EvalContext, Evaluator, ExprScope } from './expression-types.js';
import { errorAt } from './kql-error.js';
import { constantRegex, escapeRegex } from './regex-arguments.js';
import { cellOf, memberReader, propertyReader } from './row-makers.js';
import { FUNCTIONS } from './scalar-functions.js';
import type { Row, Value } from './values.js';
import { Timespan, compareValues, equalValues, hasTerm, isObject, toNumber, toStr } from './values.js';

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
        return { fn: propertyReader(column.name) as Evaluator, type: column.type };
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
    case 'member':
    case 'index': {
      const plain = compileAccess(expr, scope);
      const path = cellPath(expr, scope);
      return path ? { fn: path(plain), type: 'dynamic' } : { fn: plain, type: 'dynamic' };
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

/** An index (`x[i]`) of a value: a step of a JSON path. A string index reads an own member only, as `x.name` does. */
function indexOf(v: Value, i: Value): Value {
  if (Array.isArray(v) && typeof i === 'number') {
    const at = i < 0 ? v.length + i : i;
    return (v[at] ?? null) as Value;
  }
  if (isObject(v) && typeof i === 'string') return Object.hasOwn(v, i) ? ((v[i] ?? null) as Value) : null;
  return null;
}

/** `x.a[0].b` over the value of `x` (compiled by compileExpr, or a chain of accesses itself). */
function compileAccess(expr: Extract<Expr, { kind: 'member' | 'index' }>, scope: ExprScope): Evaluator {
  const target =
    expr.target.kind === 'member' || expr.target.kind === 'index'
      ? compileAccess(expr.target, scope)
      : compileExpr(expr.target, scope).fn;
  if (expr.kind === 'member') {
    const member = memberReader(expr.name);
    return (row, ctx) => member(target(row, ctx));
  }
  const index = compileExpr(expr.index, scope).fn;
  return (row, ctx) => indexOf(target(row, ctx), index(row, ctx));
}

/**
 * A JSON path of a column (`RawAgentInfo.criticalAsset`, `parse_json(RawAgentInfo).instructions`, constant
 * members and indexes): over rows whose column is read a cell at a time (a large column a query thread keeps
 * packed), read from the column's kept paths (PackedCells.path) rather than by decoding and parsing the cell; over
 * any other row, `plain`. Null for another expression.
 */
function cellPath(expr: Expr, scope: ExprScope): ((plain: Evaluator) => Evaluator) | null {
  const steps: ((v: Value) => Value)[] = [];
  const key: string[] = [];
  let e = expr;
  for (;;) {
    if (e.kind === 'member') {
      steps.unshift(memberReader(e.name));
      key.unshift(`.${JSON.stringify(e.name)}`);
    } else if (
      e.kind === 'index' &&
      e.index.kind === 'literal' &&
      ['string', 'number'].includes(typeof e.index.value)
    ) {
      const i = e.index.value as Value;
      steps.unshift((v) => indexOf(v, i));
      key.unshift(`[${JSON.stringify(i)}]`);
    } else {
      break;
    }
    e = e.target;
  }
  const parse = e.kind === 'call' && (e.name === 'parse_json' || e.name === 'todynamic') && e.args.length === 1;
  const root = parse ? (e as Extract<Expr, { kind: 'call' }>).args[0] : e;
  if (steps.length === 0 || root?.kind !== 'column') return null;
  const column = scope.columns.get(root.name);
  if (!column) return null;
  const name = column.name;
  const path = key.join('');
  const read = (v: Value) => steps.reduce((x, step) => step(x), v);
  return (plain) => (row, ctx) => {
    const cell = cellOf(row, name);
    const reader = cell?.column.path;
    return cell && reader ? reader(cell.index, path, parse, read) : plain(row, ctx);
  };
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
  return def.impl(args, expr, scope, compileExpr);
}
