import type { Expr, NamedExpr, Operator, Query, ScalarType, SortKey, TabularExpr } from './ast.js';
import type { Accumulator } from './aggregates.js';
import { compileAggregate } from './aggregates.js';
import { derivedName } from './column-naming.js';
import { compileExpr } from './compiler.js';
import type { CompiledExpr, EvalContext, ExprScope } from './expression-types.js';
import type { SourcePos } from './kql-error.js';
import { KqlLimitError, errorAt } from './kql-error.js';
import { NamesRead } from './names-read.js';
import { propertyReader, rowCopier, rowJoiner, rowOfValues, rowOutput, rowProjector } from './row-makers.js';
import { parseKql } from './parser.js';
import { compileRe2 } from './re2.js';
import type { Column, Row, Value } from './values.js';
import {
  Timespan,
  compareValues,
  isObject,
  keyOf,
  parseJson,
  toBool,
  toDate,
  toJsonValue,
  toNumber,
  toStr,
  toTimespan,
} from './values.js';

/** The tables a query can read: their columns (for compiling) and rows (for running). */
export interface KqlCatalog {
  schema(name: string): Column[] | null;
  tableNames(): string[];
}

export interface KqlRunOptions {
  /**
   * A table's rows. Not changed in place: changed rows come as another array (what the engine works out of a table's
   * array, the newest row per key, is kept for the next runs over the same array).
   */
  rows(table: string): Row[];
  now: Date;
  /** Most rows one join or mv-expand may make (default MAX_INTERMEDIATE_ROWS). */
  maxRows?: number;
  /** Convert only the first rows to JSON (the rest are counted in rowCount); default all. */
  outputLimit?: number;
}

/** `{schema, rows}`: the shape of Graph's runHuntingQuery answer (rows JSON-ready: datetimes as ISO strings). */
export interface KqlResult {
  schema: Column[];
  rows: Record<string, unknown>[];
  /** Rows the query produced, before outputLimit. */
  rowCount: number;
}

export interface CompiledQuery {
  schema: Column[];
  /** The names the query can read columns by (those of its output among them). */
  names: NamesRead;
  run(options: KqlRunOptions): KqlResult;
}

interface Runtime {
  ctx: EvalContext;
  maxRows: number;
  rows(table: string): Row[];
  lets: Map<string, Row[]>;
  /** The rows mv-apply hands its subquery, innermost last. */
  applyInput: Row[][];
  /** toscalar() values, computed once per run. */
  scalars: Map<object, Value>;
}

interface Plan {
  schema: Column[];
  run(rt: Runtime): Row[];
  /** A table read as it is: its rows are the same array from run to run until the table changes. */
  table?: string;
  /**
   * The rows one at a time, without an array of them: mv-expand makes a row per element that the where, project or
   * summarize after it mostly drops at once; handed over one by one they die young instead of filling the heap.
   */
  stream?(rt: Runtime, emit: (row: Row) => void): void;
}

/** Calls `fn` with each row of `plan`, streamed when it can be. */
function eachRow(plan: Plan, rt: Runtime, fn: (row: Row) => void): void {
  if (plan.stream) plan.stream(rt, fn);
  else for (const row of plan.run(rt)) fn(row);
}

/** A plan that streams: `run` collects what `stream` emits. */
function streaming(schema: Column[], stream: (rt: Runtime, emit: (row: Row) => void) => void): Plan {
  return {
    schema,
    stream,
    run: (rt) => {
      const out: Row[] = [];
      stream(rt, (row) => out.push(row));
      return out;
    },
  };
}

/** Parses and compiles once; `run` evaluates against the rows of the moment with plain loops. */
export function compileKql(text: string, catalog: KqlCatalog): CompiledQuery {
  const query = parseKql(text, catalog.tableNames());
  return new Compiler(catalog, new NamesRead(text)).compile(query);
}

class Compiler {
  private readonly scalars = new Map<string, CompiledExpr>();
  private readonly tabular = new Map<string, Plan>();
  /** While compiling an mv-apply subquery: the columns of the rows it reads. */
  private applySchema: Column[] | null = null;

  constructor(
    private readonly catalog: KqlCatalog,
    /** What the query can read: a row copied from operator to operator carries only these columns. */
    private readonly names: NamesRead,
  ) {}

  private sourceLiteral(source: Extract<TabularExpr['source'], { kind: 'datatable' | 'range' | 'print' }>): Plan {
    const empty = this.scope(new Map());
    if (source.kind === 'print') {
      const items = this.namedItems(source.columns, empty);
      const schema = uniqueColumns(items.map((i) => ({ name: i.name, type: i.compiled.type, pos: i.pos })));
      return {
        schema,
        run: (rt) => {
          const o: Row = {};
          for (const i of items) o[i.name] = i.compiled.fn({}, rt.ctx);
          return [o];
        },
      };
    }
    if (source.kind === 'datatable') {
      const columns = source.columns;
      const casts = columns.map((c) => castTo(c.type));
      const values = source.values.map((v) => compileExpr(v, empty).fn);
      const schema = uniqueColumns(columns.map((c) => ({ ...c, pos: source.pos })));
      return {
        schema,
        run: (rt) => {
          const out: Row[] = [];
          for (let i = 0; i < values.length; i += columns.length) {
            const o: Row = {};
            columns.forEach((c, j) => {
              o[c.name] = (casts[j] as (v: Value) => Value)(
                (values[i + j] as (r: Row, c: EvalContext) => Value)({}, rt.ctx),
              );
            });
            out.push(o);
          }
          return out;
        },
      };
    }
    const from = compileExpr(source.from, empty);
    const to = compileExpr(source.to, empty).fn;
    const step = compileExpr(source.step, empty).fn;
    const name = source.name;
    return {
      schema: [{ name, type: from.type }],
      run: (rt) => {
        const a = from.fn({}, rt.ctx);
        const b = to({}, rt.ctx);
        const s = step({}, rt.ctx);
        // Numbers, or datetimes/timespans stepped by a timespan; the row count is known before any row is made.
        const asMs = (v: Value) => (v instanceof Date ? v.getTime() : v instanceof Timespan ? v.ms : toNumber(v));
        const start = asMs(a);
        const end = asMs(b);
        const by = s instanceof Timespan ? s.ms : toNumber(s);
        if (start === null || end === null || by === null || by === 0) return [];
        const count = Math.floor((end - start) / by) + 1;
        if (!(count > 0)) return [];
        if (count > rt.maxRows) throw tooManyRows(source.pos, 'range', rt.maxRows);
        const make =
          a instanceof Date
            ? (ms: number) => new Date(ms)
            : a instanceof Timespan
              ? (ms: number) => new Timespan(ms)
              : (n: number) => n;
        const out = new Array<Row>(count);
        for (let i = 0; i < count; i += 1) out[i] = { [name]: make(start + i * by) };
        return out;
      },
    };
  }

  compile(query: Query): CompiledQuery {
    for (const statement of query.lets) {
      if (statement.kind === 'let-scalar') {
        this.scalars.set(statement.name, compileExpr(statement.expr, this.scope(new Map())));
      } else {
        const inner = this.tabularExpr(statement.query);
        const name = statement.name;
        // A let table is computed once per run however often the query reads it.
        this.tabular.set(name, {
          schema: inner.schema,
          run: (rt) => {
            let rows = rt.lets.get(name);
            if (!rows) {
              rows = inner.run(rt);
              rt.lets.set(name, rows);
            }
            return rows;
          },
        });
      }
    }
    const plan = this.tabularExpr(query.body);
    const schema = plan.schema;
    for (const c of schema) this.names.add(c.name);
    return {
      schema,
      names: this.names,
      run: (options) => {
        const rt = {
          rows: options.rows,
          lets: new Map(),
          maxRows: options.maxRows ?? MAX_INTERMEDIATE_ROWS,
          applyInput: [],
          scalars: new Map(),
        } as unknown as Runtime;
        // The runtime rides on the context so that `x in (LetTable)` can read the let table within this run.
        rt.ctx = { now: options.now, runtime: rt } as EvalContext;
        const rows = plan.run(rt);
        // bag_unpack's columns come from the data: a plan ending in it tells its columns after the run.
        const schema = plan.schema;
        const shown = Math.min(rows.length, options.outputLimit ?? rows.length);
        const out = new Array<Record<string, unknown>>(shown);
        const output = rowOutput(schema, toJsonValue);
        for (let i = 0; i < shown; i += 1) out[i] = output(rows[i] as Row);
        return { schema, rows: out, rowCount: rows.length };
      },
    };
  }

  private scope(columns: Map<string, Column>): ExprScope {
    return {
      columns,
      scalars: this.scalars,
      toscalar: (query) => {
        const plan = this.tabularExpr(query);
        const first = plan.schema[0];
        if (first) this.names.add(first.name);
        const key = {};
        return {
          type: first?.type ?? 'dynamic',
          fn: (ctx) => {
            const rt = (ctx as EvalContext & { runtime?: Runtime }).runtime;
            if (!rt || !first) return null;
            if (!rt.scalars.has(key)) rt.scalars.set(key, plan.run(rt)[0]?.[first.name] ?? null);
            return rt.scalars.get(key) ?? null;
          },
        };
      },
      tableValues: (name) => {
        const plan = this.tabular.get(name);
        if (!plan) return null;
        const first = plan.schema[0]?.name;
        if (first) this.names.add(first);
        return (ctx) => {
          // Called from within a run: the runtime travels through the context object.
          const rt = (ctx as EvalContext & { runtime?: Runtime }).runtime;
          if (!rt || !first) return [];
          return plan.run(rt).map((r) => r[first] ?? null);
        };
      },
    };
  }

  private tabularExpr(t: TabularExpr): Plan {
    let plan: Plan;
    if (t.source.kind === 'sub') {
      plan = this.tabularExpr(t.source.query);
    } else if (t.source.kind === 'input') {
      const schema = this.applySchema;
      if (!schema) throw errorAt(t.source.pos, 'a subquery without a table is only allowed in mv-apply');
      plan = { schema, run: (rt) => rt.applyInput[rt.applyInput.length - 1] ?? [] };
    } else if (t.source.kind === 'datatable' || t.source.kind === 'range' || t.source.kind === 'print') {
      plan = this.sourceLiteral(t.source);
    } else {
      const name = t.source.name;
      const letPlan = this.tabular.get(name);
      if (letPlan) {
        plan = letPlan;
      } else {
        const schema = this.catalog.schema(name);
        if (!schema) throw errorAt(t.source.pos, `unknown table '${name}'`);
        plan = { schema, run: (rt) => rt.rows(name), table: name };
      }
    }
    for (const op of t.operators) plan = this.operator(op, plan);
    return plan;
  }

  private operator(op: Operator, input: Plan): Plan {
    const columns = new Map(input.schema.map((c) => [c.name, c]));
    const scope = this.scope(columns);
    switch (op.kind) {
      case 'where': {
        const p = compileExpr(op.predicate, scope).fn;
        if (input.stream) {
          const from = input.stream;
          return streaming(input.schema, (rt, emit) => {
            const ctx = rt.ctx;
            from(rt, (row) => {
              if (p(row, ctx) === true) emit(row);
            });
          });
        }
        return {
          schema: input.schema,
          run: (rt) => {
            const ctx = rt.ctx;
            const out: Row[] = [];
            for (const row of input.run(rt)) if (p(row, ctx) === true) out.push(row);
            return out;
          },
        };
      }
      case 'project': {
        const items = this.namedItems(op.columns, scope);
        const schema = uniqueColumns(items.map((i) => ({ name: i.name, type: i.compiled.type, pos: i.pos })));
        const projectRow = rowProjector(
          items.map((i) => i.name),
          items.map((i) => i.compiled.fn),
          // A column as it is (a large one may be read a cell at a time: it stays so).
          op.columns.map(({ expr }) => (expr.kind === 'column' ? (columns.get(expr.name)?.name ?? null) : null)),
        );
        if (input.stream) {
          const from = input.stream;
          return streaming(schema, (rt, emit) => from(rt, (row) => emit(projectRow(row, rt.ctx))));
        }
        return { schema, run: (rt) => input.run(rt).map((row) => projectRow(row, rt.ctx)) };
      }
      case 'extend': {
        // Later items see earlier ones, as in KQL: extend a = 1, b = a + 1.
        const visible = new Map(columns);
        const items = op.columns.map((item, n) => {
          const compiled = compileExpr(item.expr, this.scope(visible));
          const name = item.name ?? derivedName(item.expr) ?? `Column${n + 1}`;
          visible.set(name, { name, type: compiled.type });
          return { name, pos: item.pos, compiled };
        });
        const schema = [...input.schema];
        for (const i of items) {
          const at = schema.findIndex((c) => c.name === i.name);
          const col = { name: i.name, type: i.compiled.type };
          if (at >= 0) schema[at] = col;
          else schema.push(col);
        }
        // Copied straight into the output's shape (the new columns null until computed, in order: later items read
        // earlier ones from the row).
        const copy = this.rowCopier(schema);
        const extendRow = (row: Row, ctx: EvalContext) => {
          const o = copy(row);
          for (const i of items) o[i.name] = i.compiled.fn(o, ctx);
          return o;
        };
        if (input.stream) {
          const from = input.stream;
          return streaming(schema, (rt, emit) => from(rt, (row) => emit(extendRow(row, rt.ctx))));
        }
        return { schema, run: (rt) => input.run(rt).map((row) => extendRow(row, rt.ctx)) };
      }
      case 'project-away':
      case 'project-reorder': {
        const named = new Set<string>();
        for (const { pos, pattern } of op.names) {
          // RE2: a pattern of many *s must not backtrack.
          const re = compileRe2(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
          const matched = input.schema.filter((c) => re.test(c.name));
          if (matched.length === 0 && !pattern.includes('*')) throw errorAt(pos, `unknown column '${pattern}'`);
          for (const c of matched) named.add(c.name);
        }
        // project-away drops the named columns; project-reorder puts them first, in the order named.
        const schema =
          op.kind === 'project-away'
            ? input.schema.filter((c) => !named.has(c.name))
            : [
                ...[...named].map((n) => input.schema.find((c) => c.name === n) as Column),
                ...input.schema.filter((c) => !named.has(c.name)),
              ];
        const copy = this.rowCopier(schema);
        return { schema, run: (rt) => input.run(rt).map((row) => copy(row)) };
      }
      case 'project-rename': {
        const renames = new Map<string, string>();
        for (const r of op.renames) {
          if (!columns.has(r.from)) throw errorAt(r.pos, `unknown column '${r.from}'`);
          renames.set(r.from, r.to);
        }
        const schema = input.schema.map((c) => ({ name: renames.get(c.name) ?? c.name, type: c.type }));
        return {
          schema,
          run: (rt) =>
            input.run(rt).map((row) => {
              const o: Row = {};
              for (const c of input.schema) o[renames.get(c.name) ?? c.name] = row[c.name] ?? null;
              return o;
            }),
        };
      }
      case 'summarize':
        return this.summarize(op, input, scope);
      case 'mv-expand':
        return this.mvExpand(op, input, scope);
      case 'order':
        return { schema: input.schema, run: (rt) => sortRows(input.run(rt), this.sortKeys(op.keys, scope), rt.ctx) };
      case 'take': {
        const count = this.constantCount(op.count, op.pos);
        return { schema: input.schema, run: (rt) => input.run(rt).slice(0, count) };
      }
      case 'top': {
        const count = this.constantCount(op.count, op.pos);
        const keys = this.sortKeys([op.key], scope);
        return { schema: input.schema, run: (rt) => sortRows(input.run(rt), keys, rt.ctx).slice(0, count) };
      }
      case 'distinct': {
        const items =
          op.columns === '*'
            ? input.schema.map((c) => ({
                name: c.name,
                pos: op.pos,
                compiled: compileExpr({ kind: 'column', pos: op.pos, name: c.name }, scope),
              }))
            : this.namedItems(op.columns, scope);
        const schema = uniqueColumns(items.map((i) => ({ name: i.name, type: i.compiled.type, pos: i.pos })));
        return {
          schema,
          run: (rt) => {
            const ctx = rt.ctx;
            const seen = new Set<unknown>();
            const out: Row[] = [];
            for (const row of input.run(rt)) {
              const o: Row = {};
              const parts: unknown[] = [];
              for (const i of items) {
                const v = i.compiled.fn(row, ctx);
                o[i.name] = v;
                parts.push(keyOf(v));
              }
              const k = parts.length === 1 ? parts[0] : JSON.stringify(parts);
              if (seen.has(k)) continue;
              seen.add(k);
              out.push(o);
            }
            return out;
          },
        };
      }
      case 'count':
        return { schema: [{ name: 'Count', type: 'long' }], run: (rt) => [{ Count: input.run(rt).length }] };
      case 'join':
        return this.join(op, input);
      case 'parse':
        return this.parseOp(op, input, scope);
      case 'mv-apply':
        return this.mvApply(op, input, scope);
      case 'serialize':
        return op.columns.length === 0
          ? input
          : this.operator({ kind: 'extend', pos: op.pos, columns: op.columns }, input);
      case 'lookup':
        return this.join({ kind: 'join', pos: op.pos, joinKind: op.joinKind, right: op.right, on: op.on }, input, true);
      case 'evaluate':
        return this.bagUnpack(op, input, scope);
      case 'getschema': {
        const rows = input.schema.map((c, i) => ({
          ColumnName: c.name,
          ColumnOrdinal: i,
          DataType: DOTNET_TYPES[c.type],
          ColumnType: c.type,
        }));
        return {
          schema: [
            { name: 'ColumnName', type: 'string' },
            { name: 'ColumnOrdinal', type: 'long' },
            { name: 'DataType', type: 'string' },
            { name: 'ColumnType', type: 'string' },
          ],
          run: () => rows.map((r) => ({ ...r })),
        };
      }
      case 'union': {
        const plans = [input, ...op.tables.map((t) => this.tabularExpr(t))];
        const schema: Column[] = [];
        for (const p of plans) for (const c of p.schema) if (!schema.some((s) => s.name === c.name)) schema.push(c);
        return streaming(schema, (rt, emit) => {
          for (const p of plans) eachRow(p, rt, emit);
        });
      }
    }
  }

  private namedItems(list: NamedExpr[], scope: ExprScope) {
    let unnamed = 0;
    return list.map((item) => {
      const compiled = compileExpr(item.expr, scope);
      unnamed += item.name || derivedName(item.expr) ? 0 : 1;
      const name = item.name ?? derivedName(item.expr) ?? `Column${unnamed}`;
      return { name, pos: item.pos, compiled };
    });
  }

  private constantCount(expr: Expr, pos: SourcePos): number {
    const value = toNumber(compileExpr(expr, this.scope(new Map())).fn({}, { now: new Date() }));
    if (value === null || value < 0) throw errorAt(pos, 'the row count must be a non-negative number');
    return Math.floor(value);
  }

  private sortKeys(keys: SortKey[], scope: ExprScope) {
    return keys.map((k) => ({ fn: compileExpr(k.expr, scope).fn, descending: k.descending, nullsFirst: k.nullsFirst }));
  }

  private summarize(op: Extract<Operator, { kind: 'summarize' }>, input: Plan, scope: ExprScope): Plan {
    const by = this.namedItems(op.by, scope);
    const byNames = new Set(by.map((b) => b.name));
    const aggs = op.aggregates.map((a) => compileAggregate(a, scope, byNames));
    const schema = uniqueColumns([
      ...by.map((b) => ({ name: b.name, type: b.compiled.type, pos: b.pos })),
      ...aggs.flatMap((a, i) => a.columns.map((c) => ({ ...c, pos: (op.aggregates[i] as NamedExpr).pos }))),
    ]);
    const aggNames = aggs.flatMap((a) => a.columns.map((c) => c.name));
    // Later names win, as assignment in order did (a by column named again by an aggregate).
    const makeRow = rowOfValues([...by.map((b) => b.name), ...aggNames]);
    const fast = this.argExtremeOfRows(op, input);
    if (fast) return { schema, run: (rt) => fast(input.run(rt), rt.ctx) };
    return {
      schema,
      run: (rt) => {
        const ctx = rt.ctx;
        const groups = new Map<unknown, Group>();
        const nBy = by.length;
        const byFns = by.map((b) => b.compiled.fn);
        const scratch: Value[] = new Array<Value>(nBy);
        eachRow(input, rt, (row) => {
          let k: unknown;
          if (nBy === 1) {
            const v = (byFns[0] as (r: Row, c: EvalContext) => Value)(row, ctx);
            scratch[0] = v;
            k = keyOf(v);
          } else {
            let text = '';
            for (let i = 0; i < nBy; i += 1) {
              const v = (byFns[i] as (r: Row, c: EvalContext) => Value)(row, ctx);
              scratch[i] = v;
              text += keyText(v);
            }
            k = text;
          }
          let g = groups.get(k);
          if (g === undefined) {
            g = new Group(
              scratch.slice(0, nBy),
              aggs.map((a) => a.create()),
            );
            groups.set(k, g);
          }
          const accs = g.accs;
          for (let i = 0; i < accs.length; i += 1) (accs[i] as Accumulator).add(row, ctx);
        });
        if (groups.size === 0 && nBy === 0)
          groups.set(
            '',
            new Group(
              [],
              aggs.map((a) => a.create()),
            ),
          );
        const out: Row[] = [];
        const values = new Array<Value>(nBy + aggNames.length);
        for (const g of groups.values()) {
          for (let i = 0; i < nBy; i += 1) values[i] = g.keys[i] ?? null;
          let j = nBy;
          for (const acc of g.accs) for (const v of acc.result()) values[j++] = v ?? null;
          out.push(makeRow(values));
        }
        return out;
      },
    };
  }

  /**
   * `summarize arg_max(T, *) by K1, K2` with plain columns: every output value is the chosen row's own
   * value under the same name, so the chosen input row itself is the output row (no copy).
   */
  private argExtremeOfRows(
    op: Extract<Operator, { kind: 'summarize' }>,
    input: Plan,
  ): ((rows: Row[], ctx: EvalContext) => Row[]) | null {
    const [agg] = op.aggregates;
    if (op.aggregates.length !== 1 || !agg || agg.name !== null) return null;
    const call = agg.expr;
    if (call.kind !== 'call' || !call.star || call.args.length !== 1) return null;
    if (call.name !== 'arg_max' && call.name !== 'arg_min') return null;
    const by = call.args[0] as Expr;
    if (by.kind !== 'column' || !input.schema.some((c) => c.name === by.name)) return null;
    if (
      !op.by.every(
        (b) =>
          b.name === null &&
          b.expr.kind === 'column' &&
          input.schema.some((c) => c.name === (b.expr as { name: string }).name),
      )
    ) {
      return null;
    }
    const keys = op.by.map((b) => (b.expr as { name: string }).name);
    const byName = by.name;
    const sign = call.name === 'arg_max' ? 1 : -1;
    const memoKey = input.table ? JSON.stringify([call.name, byName, keys]) : null;
    return (rows) => {
      // Over a table as it is (`T | summarize arg_max(Timestamp, *) by Id`, the newest row per agent that most
      // templates start with), the answer stands until the table's rows change: computed once for every query.
      const memo = memoKey === null ? undefined : ARG_EXTREME_MEMO.get(rows);
      const known = memoKey === null ? undefined : memo?.get(memoKey);
      if (known) return known;
      const best = new Map<unknown, Row>();
      for (const row of rows) {
        const v = row[byName] ?? null;
        if (v === null) continue;
        const k =
          keys.length === 1
            ? keyOf(row[keys[0] as string] ?? null)
            : JSON.stringify(keys.map((n) => keyOf(row[n] ?? null)));
        const current = best.get(k);
        if (current === undefined || sign * compareValues(v, current[byName] ?? null) > 0) best.set(k, row);
      }
      const out = [...best.values()];
      if (memoKey !== null) {
        if (memo) memo.set(memoKey, out);
        else ARG_EXTREME_MEMO.set(rows, new Map([[memoKey, out]]));
      }
      return out;
    };
  }

  private mvExpand(op: Extract<Operator, { kind: 'mv-expand' }>, input: Plan, scope: ExprScope): Plan {
    const items = op.items.map((item) => {
      const name = item.name ?? derivedName(item.expr);
      if (!name) throw errorAt(item.pos, 'name the expanded value: Name = expression');
      return { name, fn: compileExpr(item.expr, scope).fn, cast: castTo(item.toType), type: item.toType ?? 'dynamic' };
    });
    const schema = [...input.schema];
    for (const i of items) {
      const at = schema.findIndex((c) => c.name === i.name);
      if (at >= 0) schema[at] = { name: i.name, type: i.type as ScalarType };
      else schema.push({ name: i.name, type: i.type as ScalarType });
    }
    // Copied into the output's shape, the expanded columns then set in place.
    const copy = this.rowCopier(schema);
    return streaming(schema, (rt, emit) => {
      const ctx = rt.ctx;
      // Rows made so far: the limit counts what mv-expand makes, whatever the operators after it keep.
      let made = 0;
      eachRow(input, rt, (row) => {
        const lists = items.map((i) => expandable(i.fn(row, ctx)));
        const n = Math.max(...lists.map((l) => l.length));
        if (made + n > rt.maxRows) throw tooManyRows(op.pos, 'mv-expand', rt.maxRows);
        made += n;
        for (let k = 0; k < n; k += 1) {
          const o = copy(row);
          items.forEach((i, j) => (o[i.name] = i.cast((lists[j] as Value[])[k] ?? null)));
          emit(o);
        }
      });
    });
  }

  /** parse (simple kind): literals match exactly, `*` skips, each column takes the text its type allows. */
  private parseOp(op: Extract<Operator, { kind: 'parse' }>, input: Plan, scope: ExprScope): Plan {
    const source = compileExpr(op.expr, scope).fn;
    const columns = op.parts.filter((p) => p.kind === 'column');
    let pattern = '^';
    op.parts.forEach((part, i) => {
      const last = i === op.parts.length - 1;
      if (part.kind === 'literal') pattern += escapeRe(part.text);
      else if (part.kind === 'star') pattern += last ? '(?s:.*)' : '(?s:.*?)';
      else pattern += `(${PARSE_TYPE_PATTERN[part.type] ?? (last ? '(?s:.*)' : '(?s:.*?)')})`;
    });
    // Like Kusto, the pattern must cover the whole text unless it ends with a column or *.
    pattern += '$';
    const re = RE2JS_compile(pattern);
    const casts = columns.map((c) => castTo(c.type));
    const schema = [...input.schema];
    for (const c of columns) {
      const at = schema.findIndex((x) => x.name === c.name);
      if (at >= 0) schema[at] = { name: c.name, type: c.type };
      else schema.push({ name: c.name, type: c.type });
    }
    const copy = this.rowCopier(input.schema);
    return {
      schema,
      run: (rt) =>
        input.run(rt).map((row) => {
          const o = copy(row);
          const groups = re.groups(toStr(source(row, rt.ctx)));
          columns.forEach((c, j) => {
            const text = groups ? (groups[j] ?? null) : null;
            o[c.name] = text === null ? (c.type === 'string' ? '' : null) : (casts[j] as (v: Value) => Value)(text);
          });
          return o;
        }),
    };
  }

  /** mv-apply: for each row, the subquery runs over the row's expanded values; its rows carry the row's columns. */
  private mvApply(op: Extract<Operator, { kind: 'mv-apply' }>, input: Plan, scope: ExprScope): Plan {
    const expand = this.mvExpand({ kind: 'mv-expand', pos: op.pos, items: op.items }, input, scope);
    const saved = this.applySchema;
    this.applySchema = expand.schema;
    let sub: Plan;
    try {
      sub = this.tabularExpr(op.sub);
    } finally {
      this.applySchema = saved;
    }
    const subNames = new Set(sub.schema.map((c) => c.name));
    const schema = [...input.schema.filter((c) => !subNames.has(c.name)), ...sub.schema];
    const copy = this.rowCopier(input.schema);
    const expandOne = this.mvExpandRun(op.items, scope, input.schema);
    return {
      schema,
      run: (rt) => {
        const out: Row[] = [];
        for (const row of input.run(rt)) {
          rt.applyInput.push(expandOne(row, rt));
          let rows: Row[];
          try {
            rows = sub.run(rt);
          } finally {
            rt.applyInput.pop();
          }
          if (out.length + rows.length > rt.maxRows) throw tooManyRows(op.pos, 'mv-apply', rt.maxRows);
          for (const r of rows) {
            const o = copy(row);
            for (const c of sub.schema) o[c.name] = r[c.name] ?? null;
            out.push(o);
          }
        }
        return out;
      },
    };
  }

  /** The rows mv-expand makes of one row (for mv-apply's subquery). */
  private mvExpandRun(
    items: Extract<Operator, { kind: 'mv-expand' }>['items'],
    scope: ExprScope,
    schema: Column[],
  ): (row: Row, rt: Runtime) => Row[] {
    // A copy, not a spread: a table's row may read a column through its prototype (packed-tables.ts).
    const copy = this.rowCopier(schema);
    const compiled = items.map((item) => ({
      name: item.name ?? derivedName(item.expr) ?? 'Column1',
      fn: compileExpr(item.expr, scope).fn,
      cast: castTo(item.toType),
    }));
    return (row, rt) => {
      const lists = compiled.map((i) => expandable(i.fn(row, rt.ctx)));
      const n = Math.max(...lists.map((l) => l.length));
      const out: Row[] = [];
      for (let k = 0; k < n; k += 1) {
        const o: Row = copy(row);
        compiled.forEach((i, j) => (o[i.name] = i.cast((lists[j] as Value[])[k] ?? null)));
        out.push(o);
      }
      return out;
    };
  }

  /** evaluate bag_unpack(Column [, prefix]): the property bag's keys become columns (named by the rows seen). */
  private bagUnpack(op: Extract<Operator, { kind: 'evaluate' }>, input: Plan, scope: ExprScope): Plan {
    const [bagExpr, prefixExpr] = op.args as [Expr, Expr | undefined];
    if (bagExpr.kind !== 'column') throw errorAt(bagExpr.pos, 'bag_unpack() takes a column name');
    const bagName = bagExpr.name;
    compileExpr(bagExpr, scope);
    // Its columns are named by the data, not the query: any of them may be read.
    this.names.everything = true;
    const prefix = prefixExpr ? toStr(compileExpr(prefixExpr, scope).fn({}, { now: new Date() })) : '';
    // The columns depend on the data; the compiled schema lists the input's others, and a run adds the keys found.
    const others = input.schema.filter((c) => c.name !== bagName);
    const plan: Plan = {
      schema: [...others],
      run: (rt) => {
        const rows = input.run(rt);
        const keys = new Set<string>();
        for (const row of rows) {
          const bag = parseJson(row[bagName] ?? null);
          if (isObject(bag)) for (const k of Object.keys(bag)) keys.add(prefix + k);
        }
        const taken = new Set(others.map((c) => c.name));
        const added = [...keys].filter((k) => !taken.has(k));
        // In place: operators that pass rows through (where, order, take) share this array.
        plan.schema.splice(
          0,
          plan.schema.length,
          ...others,
          ...added.map((name) => ({ name, type: 'dynamic' as ScalarType })),
        );
        // Keys come from the data: made and read like any other name (a key `__proto__` is a column too).
        const kept = others.map((c) => propertyReader(c.name));
        const unpacked = added.map((k) => propertyReader(k.slice(prefix.length)));
        const makeRow = rowOfValues([...others.map((c) => c.name), ...added]);
        return rows.map((row) => {
          const bag = parseJson(row[bagName] ?? null);
          return makeRow([
            ...kept.map((read) => read(row)),
            ...unpacked.map((read) => (isObject(bag) ? read(bag) : null)),
          ]);
        });
      },
    };
    return plan;
  }

  /**
   * A copier of rows with `schema`'s columns that leaves out those no name of the query reaches: an operator that
   * copies rows (extend, mv-expand, join...) would otherwise copy every column of a wide table for every row it
   * makes, most of them never read again. Built at the first run, once the whole query is compiled and every name
   * it reads is known.
   */
  private rowCopier(schema: Column[]): (row: Row) => Row {
    let copy: ((row: Row) => Row) | null = null;
    return (row) => {
      copy ??= rowCopier(schema.filter((c) => this.names.reads(c.name)));
      return copy(row);
    };
  }

  private join(op: Extract<Operator, { kind: 'join' }>, left: Plan, lookup = false): Plan {
    const right = this.tabularExpr(op.right);
    for (const key of op.on) {
      if (!left.schema.some((c) => c.name === key.left))
        throw errorAt(key.pos, `the left side has no column '${key.left}'`);
      if (!right.schema.some((c) => c.name === key.right))
        throw errorAt(key.pos, `the right side has no column '${key.right}'`);
    }
    const leftKey = keyReader(op.on.map((k) => k.left));
    const rightKey = keyReader(op.on.map((k) => k.right));
    const kind = op.joinKind;
    if (kind === 'leftanti' || kind === 'leftsemi' || kind === 'rightanti' || kind === 'rightsemi') {
      const keepLeft = kind.startsWith('left');
      const wantMatch = kind.endsWith('semi');
      return {
        schema: keepLeft ? left.schema : right.schema,
        run: (rt) => {
          const [kept, other] = keepLeft ? [left.run(rt), right.run(rt)] : [right.run(rt), left.run(rt)];
          const otherKeys = new Set(other.map(keepLeft ? rightKey : leftKey));
          const keyOfKept = keepLeft ? leftKey : rightKey;
          return kept.filter((row) => {
            const k = keyOfKept(row);
            return (k !== null && otherKeys.has(k)) === wantMatch;
          });
        },
      };
    }
    // Right columns keep their names unless the left has them: then KQL adds 1 (AIAgentId1). lookup leaves out
    // the right side's key columns (they equal the left's).
    const taken = new Set(left.schema.map((c) => c.name));
    const rightKeys = new Set(op.on.filter((k) => k.left === k.right).map((k) => k.right));
    const rightColumns = right.schema
      .filter((c) => !lookup || !rightKeys.has(c.name))
      .map((c) => {
        let name = c.name;
        for (let n = 1; taken.has(name); n += 1) name = `${c.name}${n}`;
        taken.add(name);
        return { from: c.name, name, type: c.type };
      });
    const schema = [...left.schema, ...rightColumns.map((c) => ({ name: c.name, type: c.type }))];
    let joined: ((l: Row, r: Row) => Row) | null = null;
    const NO_MATCH: Row = {};
    return streaming(schema, (rt, emit) => {
      // The columns the query can read (known once it is all compiled).
      joined ??= rowJoiner(
        left.schema.filter((c) => this.names.reads(c.name)),
        rightColumns.filter((c) => this.names.reads(c.name)),
      );
      let leftRows = left.run(rt);
      if (kind === 'innerunique') {
        // KQL's default join keeps one left row per key.
        const seen = new Set<unknown>();
        leftRows = leftRows.filter((row) => {
          const k = leftKey(row);
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      }
      const index = new Map<unknown, Row[]>();
      for (const row of right.run(rt)) {
        const k = rightKey(row);
        if (k === null) continue;
        const list = index.get(k);
        if (list) list.push(row);
        else index.set(k, [row]);
      }
      // Rows made so far: the limit counts what the join makes, whatever the operators after it keep.
      let made = 0;
      for (const l of leftRows) {
        const k = leftKey(l);
        const matches = k === null ? undefined : index.get(k);
        if (matches) {
          if (made + matches.length > rt.maxRows) throw tooManyRows(op.pos, 'join', rt.maxRows);
          made += matches.length;
          for (const r of matches) emit(joined(l, r));
        } else if (kind === 'leftouter') {
          made += 1;
          emit(joined(l, NO_MATCH));
        }
      }
    });
  }
}

/**
 * A query may not grow past this many rows in one join or mv-expand: a join on a key every row shares
 * would otherwise make rows by the billion and take the server down with it.
 */
export const MAX_INTERMEDIATE_ROWS = 2_000_000;

const tooManyRows = (pos: SourcePos, where: string, max: number) =>
  new KqlLimitError(
    `the ${where} makes more than ${max.toLocaleString('en-US')} rows; narrow the query first`,
    pos.line,
    pos.column,
  );

/**
 * arg_max/arg_min of whole rows over a table's rows, by the rows' array: operators never change an array they are
 * given or return, so the answer is shared (read-only) by every run over the same rows, and goes with them.
 */
const ARG_EXTREME_MEMO = new WeakMap<Row[], Map<string, Row[]>>();

class Group {
  constructor(
    readonly keys: Value[],
    readonly accs: Accumulator[],
  ) {}
}

/** One part of a composite key, typed and terminated, so ("a", "b|c") and ("a|b", "c") differ. */
function keyText(v: Value): string {
  if (v === null || v === undefined) return '\u0000n\u0001';
  if (typeof v === 'string') return `s${v.length}:${v}`;
  const k = keyOf(v);
  return `${typeof k}${String(k).length}:${String(k)}`;
}

/** A join's key of a row by the key columns' names (see joinKey); one column read without a list. */
function keyReader(names: string[]): (row: Row) => unknown {
  const reads = names.map((n) => propertyReader(n) as (row: Row) => Value);
  const [only] = reads;
  if (only && reads.length === 1) {
    return (row) => {
      const v = only(row);
      return v === null || v === '' ? null : keyOf(v);
    };
  }
  return (row) => joinKey(reads.map((read) => read(row)));
}

function joinKey(values: Value[]): unknown {
  if (values.length === 1) {
    const v = values[0] ?? null;
    return v === null || v === '' ? null : keyOf(v);
  }
  let text = '';
  for (const v of values) {
    if (v === null || v === '') return null;
    text += keyText(v);
  }
  return text;
}

function expandable(v: Value): Value[] {
  if (v === null) return [null];
  if (typeof v === 'string') {
    const parsed = parseJson(v);
    if (Array.isArray(parsed)) return parsed as Value[];
  }
  if (Array.isArray(v)) return v as Value[];
  if (typeof v === 'object' && !(v instanceof Date) && v.constructor === Object) {
    return Object.entries(v).map(([k, x]) => ({ [k]: x }) as Value);
  }
  return [v];
}

function castTo(type: ScalarType | null): (v: Value) => Value {
  switch (type) {
    case null:
    case 'dynamic':
      return (v) => v;
    case 'string':
      return (v) => (v === null ? '' : toStr(v));
    case 'long':
      return (v) => {
        const n = toNumber(v);
        return n === null ? null : Math.trunc(n);
      };
    case 'real':
      return (v) => toNumber(v);
    case 'bool':
      return (v) => toBool(v);
    case 'datetime':
      return (v) => toDate(v);
    case 'timespan':
      return (v) => toTimespan(v);
  }
}

function sortRows(
  rows: Row[],
  keys: { fn: (row: Row, ctx: EvalContext) => Value; descending: boolean; nullsFirst: boolean }[],
  ctx: EvalContext,
): Row[] {
  // Keys are computed once per row, then the rows sorted by them (stable).
  const decorated = rows.map((row, i) => ({ row, i, k: keys.map((key) => key.fn(row, ctx)) }));
  decorated.sort((a, b) => {
    for (let j = 0; j < keys.length; j += 1) {
      const key = keys[j] as (typeof keys)[number];
      const x = a.k[j] ?? null;
      const y = b.k[j] ?? null;
      const xNull = x === null || x === '';
      const yNull = y === null || y === '';
      if (xNull || yNull) {
        if (xNull && yNull) continue;
        return xNull === key.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return key.descending ? -c : c;
    }
    return a.i - b.i;
  });
  return decorated.map((d) => d.row);
}

function uniqueColumns(cols: { name: string; type: ScalarType; pos: SourcePos }[]): Column[] {
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c.name)) throw errorAt(c.pos, `column '${c.name}' appears twice; name one of them: Name = ...`);
    seen.add(c.name);
  }
  return cols.map((c) => ({ name: c.name, type: c.type }));
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** getschema's DataType: the .NET type Kusto names for each column type. */
const DOTNET_TYPES: Record<ScalarType, string> = {
  string: 'System.String',
  long: 'System.Int64',
  real: 'System.Double',
  bool: 'System.SByte',
  datetime: 'System.DateTime',
  timespan: 'System.TimeSpan',
  dynamic: 'System.Object',
};

/** What a typed column of a parse pattern matches (Kusto's simple kind); strings and the rest take any text. */
const PARSE_TYPE_PATTERN: Partial<Record<ScalarType, string>> = {
  long: '-?\\d+',
  real: '-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?',
  bool: '(?i:true|false)',
};

/** An RE2 pattern's capture groups over a text (null when it does not match), for parse. */
function RE2JS_compile(pattern: string): { groups(text: string): (string | null)[] | null } {
  const re = compileRe2(pattern);
  return { groups: (text) => re.groups(text) };
}
