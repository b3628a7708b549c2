import type { Expr, NamedExpr, ScalarType } from './ast.js';
import { derivedName } from './column-naming.js';
import { compileExpr } from './compiler.js';
import type { CompiledExpr, EvalContext, ExprScope } from './expression-types.js';
import { errorAt } from './kql-error.js';
import type { Column, Row, Value } from './values.js';
import { compareValues, isEmptyValue, keyOf, toNumber } from './values.js';

/** One aggregation's running state for one group. */
export interface Accumulator {
  add(row: Row, ctx: EvalContext): void;
  /** Values of the output columns, in the order of `columns`. */
  result(): Value[];
}

export interface CompiledAggregate {
  columns: Column[];
  create(): Accumulator;
}

const MAX_SET = 1_048_576;

// Accumulators are small classes rather than closures: a summarize makes one per group and aggregation.
type Fn = (row: Row, ctx: EvalContext) => Value;

class CountIf implements Accumulator {
  private n = 0;
  constructor(private readonly predicate: Fn | null) {}
  add(row: Row, ctx: EvalContext): void {
    if (this.predicate === null || this.predicate(row, ctx) === true) this.n += 1;
  }
  result(): Value[] {
    return [this.n];
  }
}

class DistinctCount implements Accumulator {
  private readonly seen = new Set<unknown>();
  constructor(
    private readonly value: Fn,
    private readonly predicate: Fn | null,
  ) {}
  add(row: Row, ctx: EvalContext): void {
    if (this.predicate && this.predicate(row, ctx) !== true) return;
    const x = this.value(row, ctx);
    if (!isEmptyValue(x)) this.seen.add(keyOf(x));
  }
  result(): Value[] {
    return [this.seen.size];
  }
}

class ArgExtreme implements Accumulator {
  private bestKey: Value = null;
  private bestRow: Row | null = null;
  private bestCtx: EvalContext | null = null;
  constructor(
    private readonly by: Fn,
    private readonly sign: number,
    private readonly rest: AggColumn[],
  ) {}
  add(row: Row, ctx: EvalContext): void {
    const k = this.by(row, ctx);
    if (k === null) return;
    if (this.bestRow === null || this.sign * compareValues(k, this.bestKey) > 0) {
      this.bestKey = k;
      this.bestRow = row;
      this.bestCtx = ctx;
    }
  }
  result(): Value[] {
    const r = this.bestRow;
    const c = this.bestCtx;
    if (!r || !c) return [null, ...this.rest.map(() => null)];
    const out: Value[] = [this.bestKey];
    for (const col of this.rest) out.push(col.fn(r, c));
    return out;
  }
}

class Collect implements Accumulator {
  private readonly out: Value[] = [];
  private readonly seen: Set<unknown> | null;
  constructor(
    private readonly value: Fn,
    private readonly predicate: Fn | null,
    private readonly limit: number,
    isSet: boolean,
  ) {
    this.seen = isSet ? new Set() : null;
  }
  add(row: Row, ctx: EvalContext): void {
    if (this.out.length >= this.limit || (this.predicate && this.predicate(row, ctx) !== true)) return;
    const x = this.value(row, ctx);
    if (x === null) return;
    // An array value contributes its elements, as KQL's make_set/make_list do.
    for (const e of Array.isArray(x) ? (x as Value[]) : [x]) {
      if (this.out.length >= this.limit) break;
      if (this.seen) {
        const k = keyOf(e);
        if (this.seen.has(k)) continue;
        this.seen.add(k);
      }
      this.out.push(e);
    }
  }
  result(): Value[] {
    return [this.out];
  }
}

class TakeAny implements Accumulator {
  private values: Value[] | null = null;
  constructor(private readonly cols: AggColumn[]) {}
  add(row: Row, ctx: EvalContext): void {
    if (this.values === null) this.values = this.cols.map((c) => c.fn(row, ctx));
  }
  result(): Value[] {
    return this.values ?? this.cols.map(() => null);
  }
}

class Extreme implements Accumulator {
  private best: Value = null;
  constructor(
    private readonly value: Fn,
    private readonly sign: number,
  ) {}
  add(row: Row, ctx: EvalContext): void {
    const x = this.value(row, ctx);
    if (isEmptyValue(x)) return;
    if (this.best === null || this.sign * compareValues(x, this.best) > 0) this.best = x;
  }
  result(): Value[] {
    return [this.best];
  }
}

/** Compiles one summarize aggregation (`n = dcount(X)`, `arg_max(Timestamp, *)`). */
export function compileAggregate(item: NamedExpr, scope: ExprScope, byNames: Set<string>): CompiledAggregate {
  const expr = item.expr;
  if (expr.kind !== 'call') throw errorAt(item.pos, 'summarize expects an aggregation such as count() or dcount(X)');
  const args = expr.args;
  const argc = (min: number, max: number) => {
    if (args.length < min || args.length > max) {
      throw errorAt(
        expr.pos,
        `${expr.name}() takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`,
      );
    }
  };
  const arg = (i: number): CompiledExpr => compileExpr(args[i] as Expr, scope);
  const named = (fallback: string) => item.name ?? fallback;
  const suffix = (i: number) => derivedName(args[i] as Expr) ?? '';

  switch (expr.name) {
    case 'count': {
      argc(0, 0);
      return single(named('count_'), 'long', () => new CountIf(null));
    }
    case 'countif': {
      argc(1, 1);
      const p = arg(0).fn;
      return single(named('countif_'), 'long', () => new CountIf(p));
    }
    case 'dcount':
    case 'dcountif': {
      argc(expr.name === 'dcount' ? 1 : 2, expr.name === 'dcount' ? 2 : 3);
      const v = arg(0).fn;
      const p = expr.name === 'dcountif' ? arg(1).fn : null;
      return single(named(`${expr.name}_${suffix(0)}`), 'long', () => new DistinctCount(v, p));
    }
    case 'make_set':
    case 'make_set_if':
    case 'make_list':
    case 'make_list_if': {
      const conditional = expr.name.endsWith('_if');
      argc(conditional ? 2 : 1, conditional ? 3 : 2);
      const v = arg(0).fn;
      const p = conditional ? arg(1).fn : null;
      const limitArg = args[conditional ? 2 : 1];
      const limit = limitArg
        ? (toNumber(compileExpr(limitArg, scope).fn({}, { now: new Date() })) ?? MAX_SET)
        : MAX_SET;
      const isSet = expr.name.startsWith('make_set');
      return single(named(`${isSet ? 'set' : 'list'}_${suffix(0)}`), 'dynamic', () => new Collect(v, p, limit, isSet));
    }
    case 'min':
    case 'max': {
      argc(1, 1);
      const c = arg(0);
      const sign = expr.name === 'max' ? 1 : -1;
      return single(named(`${expr.name}_${suffix(0)}`), c.type, () => new Extreme(c.fn, sign));
    }
    case 'sum':
    case 'avg': {
      argc(1, 1);
      const c = arg(0);
      const isAvg = expr.name === 'avg';
      return single(named(`${expr.name}_${suffix(0)}`), isAvg ? 'real' : c.type === 'long' ? 'long' : 'real', () => {
        let total = 0;
        let n = 0;
        return {
          add: (row, ctx) => {
            const x = toNumber(c.fn(row, ctx));
            if (x === null) return;
            total += x;
            n += 1;
          },
          result: () => [isAvg ? (n ? total / n : null) : total],
        };
      });
    }
    case 'percentile':
    case 'percentiles': {
      // Nearest rank over the group's values (Kusto estimates with a T-Digest; on the small groups here the
      // nearest rank is what it returns). One column per percentage: percentile_<column>_<p>.
      argc(2, expr.name === 'percentile' ? 2 : 64);
      const c = arg(0);
      const ps = args.slice(1).map((a) => {
        const p = toNumber(compileExpr(a, scope).fn({}, { now: new Date() }));
        if (p === null || p < 0 || p > 100) throw errorAt(a.pos, 'a percentile is a number from 0 to 100');
        return p;
      });
      const columns = ps.map((p, i) => ({
        name: i === 0 && item.name ? item.name : `percentile_${suffix(0)}_${String(p).replace('.', '_')}`,
        type: c.type === 'long' || c.type === 'real' ? c.type : ('real' as ScalarType),
      }));
      return {
        columns,
        create: () => {
          const values: number[] = [];
          return {
            add: (row, ctx) => {
              const x = toNumber(c.fn(row, ctx));
              if (x !== null) values.push(x);
            },
            result: () => {
              if (values.length === 0) return ps.map(() => null);
              values.sort((a, b) => a - b);
              return ps.map(
                (p) =>
                  values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))] ?? null,
              );
            },
          };
        },
      };
    }
    case 'take_any':
    case 'any': {
      if (args.length === 0 && !expr.star) argc(1, 64);
      const cols = expr.star
        ? allColumnsExcept(scope, byNames)
        : args.map((a, i) => aggColumn(a, scope, i === 0 ? item.name : null));
      return { columns: cols.map((c) => ({ name: c.name, type: c.type })), create: () => new TakeAny(cols) };
    }
    case 'arg_max':
    case 'arg_min': {
      if (args.length < 1) argc(1, 64);
      const by = arg(0);
      const byName = item.name ?? derivedName(args[0] as Expr) ?? `${expr.name === 'arg_max' ? 'max' : 'min'}_`;
      const rest = expr.star
        ? allColumnsExcept(scope, new Set([...byNames, byName]))
        : args.slice(1).map((a) => aggColumn(a, scope, null));
      const sign = expr.name === 'arg_max' ? 1 : -1;
      const columns = [{ name: byName, type: by.type }, ...rest.map((c) => ({ name: c.name, type: c.type }))];
      return { columns, create: () => new ArgExtreme(by.fn, sign, rest) };
    }
    default:
      throw errorAt(expr.pos, `unknown aggregation '${expr.name}'`);
  }
}

interface AggColumn extends Column {
  fn: (row: Row, ctx: EvalContext) => Value;
}

function aggColumn(a: Expr, scope: ExprScope, name: string | null): AggColumn {
  const c = compileExpr(a, scope);
  const n = name ?? derivedName(a);
  if (!n) throw errorAt(a.pos, 'name this expression: Name = expression');
  return { name: n, type: c.type, fn: c.fn };
}

function allColumnsExcept(scope: ExprScope, except: Set<string>): AggColumn[] {
  return [...scope.columns.values()]
    .filter((c) => !except.has(c.name))
    .map((c) => ({ name: c.name, type: c.type, fn: (row: Row) => row[c.name] ?? null }));
}

function single(name: string, type: ScalarType, create: () => Accumulator): CompiledAggregate {
  return { columns: [{ name, type }], create };
}
