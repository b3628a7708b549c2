// Rows are made by generated functions that build each row as one object literal: V8 allocates it with its final
// shape at once, and reads its source by constant names. Added one by one (`o[name] = v`) from a store that sees
// every column name of every query, each property took V8's slow path, and an object given about 20 properties
// became a dictionary whose every read hashes the name: most of a project's or a join's time at 100,000 agents.
// Reads by a name (a column, a dynamic value's member) go through a function made for that name, for the same
// reason: one closure shared by every name made every read a megamorphic keyed lookup. A name Object.prototype also
// has (`constructor`, `__proto__`, ...) is read as an own property only, wherever it is read.
import type { EvalContext, Evaluator } from './expression-types.js';
import { isObject } from './values.js';
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

/** A reader of member `name` of a dynamic value (`x.name`): null when the value is not an object or lacks it. */
export function memberReader(name: string): (v: Value) => Value {
  const read = propertyReader(name);
  return (v) => (isObject(v) ? read(v) : null);
}

/** `function makeRow(params) { return { entries } }`, with `bound` in its scope. */
function generated<F>(params: string, entries: string[], bound: unknown = null): F {
  const make = new Function(
    'bound',
    `return function makeRow(${params}) { return {\n${entries.join(',\n')}\n}; };`,
  ) as (bound: unknown) => F;
  return make(bound);
}

/** A copy of a row with `schema`'s columns (null where the row has none); a column read a cell at a time stays so. */
export function rowCopier(schema: Column[]): (row: Row) => Row {
  const names = schema.map((c) => c.name);
  const copy = generated<(row: Row) => Row>(
    'r',
    names.map((n) => `${literalKey(n)}: ${readColumn('r', n)}`),
  );
  const copyKeeping = keepingCells(
    copy,
    names,
    names,
    names.map((n) => propertyReader(n) as Evaluator),
  );
  return (row) => copyKeeping(row, NO_CONTEXT);
}

/** The context a copy is made in: none is read. */
const NO_CONTEXT: EvalContext = { now: new Date(0) };

/**
 * A row of `names`, each the value of its evaluator over (row, ctx). `sources` names, for an item that is a column
 * of the input as it is (`project RawAgentInfo`, `Raw = RawAgentInfo`), that column: one read a cell at a time stays
 * so in the output.
 */
export function rowProjector(
  names: string[],
  fns: Evaluator[],
  sources: (string | null)[] = [],
): (row: Row, ctx: EvalContext) => Row {
  const project = generated<RowMaker>(
    'row, ctx',
    names.map((n, i) => `${literalKey(n)}: bound[${i}](row, ctx)`),
    fns,
  );
  return keepingCells(project, names, sources, fns);
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

/**
 * A column whose cells are read when a row's property is read (a large column a query thread keeps packed): `at`
 * reads cell `i`; `path` reads a JSON path of it (packed-tables.ts PackedCells.path), or is absent.
 */
export interface CellColumn {
  name: string;
  at: (i: number) => Value;
  path?: CellPathReader;
}

/** Reads `read(parsed cell)` of cell `i`: `key` names the path and `parse` whether parse_json applies to the cell. */
export type CellPathReader = (i: number, key: string, parse: boolean, read: (parsed: Value) => Value) => Value;

/** The row's index, for its prototype's cell readers (a symbol: never a column, never in a result). */
const ROW_INDEX = Symbol('row');
/**
 * On the prototype of rows with columns read a cell at a time: by column name, the column (a table's row), or the
 * name of the column of the row it was made from (`SOURCE_ROW`) that it reads through (a copy or a projection).
 */
const CELLS = Symbol('cells');
/** The row a copied or projected row reads its cell columns through. */
const SOURCE_ROW = Symbol('source');

type CellsOfRow = Map<string, CellColumn | string>;

/**
 * The column and row index of a row's column `name` when it is read a cell at a time (through copies and
 * projections of the table's row), or null: a JSON path of it can then be read from the column's cache.
 */
export function cellOf(row: Row, name: string): { column: CellColumn; index: number } | null {
  let r = row as Record<string | symbol, unknown>;
  let n = name;
  for (;;) {
    const cells = r[CELLS] as CellsOfRow | undefined;
    // An own value (set by extend over a copied column) is the row's own, not its cell.
    if (cells === undefined || Object.hasOwn(r, n)) return null;
    const cell = cells.get(n);
    if (cell === undefined) return null;
    if (typeof cell !== 'string') return { column: cell, index: r[ROW_INDEX] as number };
    r = r[SOURCE_ROW] as Record<string | symbol, unknown>;
    n = cell;
  }
}

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
  (RowOfCells.prototype as Record<symbol, unknown>)[CELLS] = new Map(cells.map((c) => [c.name, c])) as CellsOfRow;
  return (i) => new RowOfCells(i);
}

/** A copier (`ctx` unused) or a projector of rows. */
type RowMaker = (row: Row, ctx: EvalContext) => Row;

/**
 * `make` (a copier or projector: output column `names[k]` is `fns[k]` of the row), except for rows with columns read
 * a cell at a time: an output column that is such a column as it is (`sources[k]`) is read through the row it was
 * made from, a cell at a time, rather than decoded into the new row. The rows of one input mostly share one
 * prototype: the class for it is made once and kept.
 */
function keepingCells(make: RowMaker, names: string[], sources: (string | null)[], fns: Evaluator[]): RowMaker {
  if (!sources.some((s) => s !== null)) return make;
  let lastCells: CellsOfRow | undefined;
  let lastMake = make;
  return (row, ctx) => {
    const cells = (row as Record<symbol, unknown>)[CELLS] as CellsOfRow | undefined;
    if (cells === undefined) return make(row, ctx);
    if (cells !== lastCells) {
      lastCells = cells;
      lastMake = throughCells(make, names, sources, fns, cells);
    }
    return lastMake(row, ctx);
  };
}

/** The maker of `keepingCells` for rows whose cell columns are `cells`. */
function throughCells(
  make: RowMaker,
  names: string[],
  sources: (string | null)[],
  fns: Evaluator[],
  cells: CellsOfRow,
): RowMaker {
  // A name Object.prototype has is read as an own property (readColumn): it is never a getter.
  const through = names.map((n, k) => {
    const source = sources[k] ?? null;
    return source !== null && cells.has(source) && !(n in Object.prototype) && names.indexOf(n) === k ? source : null;
  });
  if (!through.some((s) => s !== null)) return make;
  const own = names.map((_, k) => k).filter((k) => through[k] === null);
  const OutRow = new Function(
    'fns',
    'source',
    `return class Row {
  constructor(row, ctx) {
${own.map((k) => `    this[${JSON.stringify(names[k])}] = fns[${k}](row, ctx);`).join('\n')}
    this[source] = row;
  }
${names
  .map((n, k) => {
    const from = through[k];
    if (from === null || from === undefined) return '';
    const key = JSON.stringify(n);
    // extend may set a copied column: the value set becomes the row's own, in front of the getter.
    return `  get [${key}]() { return this[source][${JSON.stringify(from)}] ?? null; }
  set [${key}](v) { Object.defineProperty(this, ${key}, { value: v, writable: true, enumerable: true, configurable: true }); }`;
  })
  .filter((g) => g !== '')
  .join('\n')}
};`,
  )(fns, SOURCE_ROW) as new (row: Row, ctx: EvalContext) => Row;
  const map: CellsOfRow = new Map();
  names.forEach((n, k) => {
    const from = through[k];
    if (from !== null && from !== undefined) map.set(n, from);
  });
  (OutRow.prototype as Record<symbol, unknown>)[CELLS] = map;
  return (row, ctx) => new OutRow(row, ctx);
}
