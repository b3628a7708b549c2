// Rows are made by generated functions that build each row as one object literal: V8 allocates it with its final
// shape at once, and reads its source by constant names. Added one by one (`o[name] = v`) from a store that sees
// every column name of every query, each property took V8's slow path, and an object given about 20 properties
// became a dictionary whose every read hashes the name: most of a project's or a join's time at 100,000 agents.
// Reads by a name (a column, a dynamic value's member) go through a function made for that name, for the same
// reason: one closure shared by every name made every read a megamorphic keyed lookup. A name Object.prototype also
// has (`constructor`, `__proto__`, ...) is read as an own property only, wherever it is read.
import type { EvalContext, Evaluator } from './expression-types.js';
import type { Column, Row, Value } from './values.js';

/** A key of a generated object literal: quoted, computed for `__proto__` (a quoted one would set the prototype). */
const literalKey = (name: string) => (name === '__proto__' ? `[${JSON.stringify(name)}]` : JSON.stringify(name));

/** Generated code reading column `name` of `obj`, null when absent (own only for Object.prototype's names). */
const readColumn = (obj: string, name: string) =>
  name in Object.prototype
    ? `(Object.hasOwn(${obj}, ${JSON.stringify(name)}) ? ${obj}[${JSON.stringify(name)}] ?? null : null)`
    : `${obj}[${JSON.stringify(name)}] ?? null`;

/** Readers by name, shared by every query; a name is remembered only while the cache is small and the name short. */
const readers = new Map<string, (target: Record<string, unknown>) => Value>();
const MAX_READERS = 10_000;
const MAX_REMEMBERED_NAME = 256;

/** A reader of property `name` of a row or dynamic object (null when absent). */
export function propertyReader(name: string): (target: Record<string, unknown>) => Value {
  let read = readers.get(name);
  if (read) return read;
  read = new Function(`return function read(target) { return ${readColumn('target', name)}; };`)() as (
    target: Record<string, unknown>,
  ) => Value;
  if (readers.size < MAX_READERS && name.length <= MAX_REMEMBERED_NAME) readers.set(name, read);
  return read;
}

/** `function makeRow(params) { return { entries } }`, with `bound` in its scope. */
function generated<F>(params: string, entries: string[], bound: unknown = null): F {
  const make = new Function(
    'bound',
    `return function makeRow(${params}) { return {\n${entries.join(',\n')}\n}; };`,
  ) as (bound: unknown) => F;
  return make(bound);
}

/** A copy of a row with `schema`'s columns (null where the row has none). */
export function rowCopier(schema: Column[]): (row: Row) => Row {
  return generated(
    'r',
    schema.map((c) => `${literalKey(c.name)}: ${readColumn('r', c.name)}`),
  );
}

/** A row of `names`, each the value of its evaluator over (row, ctx). */
export function rowProjector(names: string[], fns: Evaluator[]): (row: Row, ctx: EvalContext) => Row {
  return generated(
    'row, ctx',
    names.map((n, i) => `${literalKey(n)}: bound[${i}](row, ctx)`),
    fns,
  );
}

/** A row of `names` from their values in order (null for undefined). */
export function rowOfValues(names: string[]): (values: Value[]) => Row {
  return generated(
    'v',
    names.map((n, i) => `${literalKey(n)}: v[${i}] ?? null`),
  );
}

/** A join's row: the left row's columns, then the right row's under their output names (`{}` for no match). */
export function rowJoiner(left: Column[], right: { from: string; name: string }[]): (l: Row, r: Row) => Row {
  return generated('l, r', [
    ...left.map((c) => `${literalKey(c.name)}: ${readColumn('l', c.name)}`),
    ...right.map((c) => `${literalKey(c.name)}: ${readColumn('r', c.from)}`),
  ]);
}

/** A result row: each of `schema`'s columns of a row, converted by `convert`. */
export function rowOutput(schema: Column[], convert: (v: Value) => unknown): (row: Row) => Record<string, unknown> {
  return generated(
    'r',
    schema.map((c) => `${literalKey(c.name)}: bound(${readColumn('r', c.name)})`),
    convert,
  );
}

/** A column whose cells are read when a row's property is read (a large column a query thread keeps packed). */
export interface CellColumn {
  name: string;
  at: (i: number) => Value;
}

/** The row's index, for its prototype's cell readers (a symbol: never a column, never in a result). */
const ROW_INDEX = Symbol('row');

/**
 * Row `i` of columns given as arrays of values, one per name, and of `cells`, read a cell at a time: those are
 * getters of the rows' prototype, so a row holds only its index for them and every read decodes its cell (a copy
 * of the row, a result, reads through them like any other column).
 */
export function rowOfColumns(names: string[], columns: Value[][], cells: CellColumn[] = []): (i: number) => Row {
  if (cells.length === 0) {
    return generated(
      'i',
      names.map((n, j) => `${literalKey(n)}: bound[${j}][i] ?? null`),
      columns,
    );
  }
  // Object.prototype's names are read as own properties only (readColumn): none may be a getter or a field here.
  const inherited = [...names, ...cells.map((c) => c.name)].find((n) => n in Object.prototype);
  if (inherited !== undefined) throw new Error(`a table column may not be named ${inherited}`);
  const RowOfCells = new Function(
    'columns',
    'cells',
    'index',
    `return class Row {
  constructor(i) {
${names.map((n, j) => `    this[${JSON.stringify(n)}] = columns[${j}][i] ?? null;`).join('\n')}
    this[index] = i;
  }
${cells.map((c, j) => `  get [${JSON.stringify(c.name)}]() { return cells[${j}](this[index]); }`).join('\n')}
};`,
  )(
    columns,
    cells.map((c) => c.at),
    ROW_INDEX,
  ) as new (i: number) => Row;
  return (i) => new RowOfCells(i);
}
