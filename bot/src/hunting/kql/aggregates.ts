import type { Expr, NamedExpr, ScalarType } from './ast.js';
import type { CompiledExpr, EvalContext, ExprScope } from './expressions.js';
import { compileExpr, derivedName } from './expressions.js';
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
      return single(named('count_'), 'long', () => {
        let n = 0;
        return { add: () => void (n += 1), result: () => [n] };
      });
    }
    case 'countif': {
      argc(1, 1);
      const p = arg(0).fn;
      return single(named('countif_'), 'long', () => {
        let n = 0;
        return { add: (row, ctx) => void (p(row, ctx) === true && (n += 1)), result: () => [n] };
      });
    }
    case 'dcount':
    case 'dcountif': {
      argc(expr.name === 'dcount' ? 1 : 2, expr.name === 'dcount' ? 2 : 3);
      const v = arg(0).fn;
      const p = expr.name === 'dcountif' ? arg(1).fn : null;
      return single(named(`${expr.name}_${suffix(0)}`), 'long', () => {
        const seen = new Set<unknown>();
        return {
          add: (row, ctx) => {
            if (p && p(row, ctx) !== true) return;
            const x = v(row, ctx);
            if (!isEmptyValue(x)) seen.add(keyOf(x));
          },
          result: () => [seen.size],
        };
      });
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
      return single(named(`${isSet ? 'set' : 'list'}_${suffix(0)}`), 'dynamic', () => {
        const out: Value[] = [];
        const seen = new Set<unknown>();
        return {
          add: (row, ctx) => {
            if (out.length >= limit || (p && p(row, ctx) !== true)) return;
            const x = v(row, ctx);
            if (x === null) return;
            // An array value contributes its elements, as KQL's make_set/make_list do.
            for (const e of Array.isArray(x) ? (x as Value[]) : [x]) {
              if (out.length >= limit) break;
              if (isSet) {
                const k = keyOf(e);
                if (seen.has(k)) continue;
                seen.add(k);
              }
              out.push(e);
            }
          },
          result: () => [out],
        };
      });
    }
    case 'min':
    case 'max': {
      argc(1, 1);
      const c = arg(0);
      const sign = expr.name === 'max' ? 1 : -1;
      return single(named(`${expr.name}_${suffix(0)}`), c.type, () => {
        let best: Value = null;
        return {
          add: (row, ctx) => {
            const x = c.fn(row, ctx);
            if (isEmptyValue(x)) return;
            if (best === null || sign * compareValues(x, best) > 0) best = x;
          },
          result: () => [best],
        };
      });
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
    case 'take_any':
    case 'any': {
      if (args.length === 0 && !expr.star) argc(1, 64);
      const cols = expr.star
        ? allColumnsExcept(scope, byNames)
        : args.map((a, i) => aggColumn(a, scope, i === 0 ? item.name : null));
      return {
        columns: cols.map((c) => ({ name: c.name, type: c.type })),
        create: () => {
          let values: Value[] | null = null;
          return {
            add: (row, ctx) => {
              if (!values) values = cols.map((c) => c.fn(row, ctx));
            },
            result: () => values ?? cols.map(() => null),
          };
        },
      };
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
      return {
        columns,
        create: () => {
          let bestKey: Value = null;
          let bestRow: Row | null = null;
          let bestCtx: EvalContext | null = null;
          return {
            add: (row, ctx) => {
              const k = by.fn(row, ctx);
              if (k === null) return;
              if (bestRow === null || sign * compareValues(k, bestKey) > 0) {
                bestKey = k;
                bestRow = row;
                bestCtx = ctx;
              }
            },
            result: () => {
              const r = bestRow;
              const c = bestCtx;
              if (!r || !c) return columns.map(() => null);
              return [bestKey, ...rest.map((col) => col.fn(r, c))];
            },
          };
        },
      };
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
