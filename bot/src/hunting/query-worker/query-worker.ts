// Runs in a worker thread: reads the hunting tables from their shared packed form (a column at a time) and runs
// queries over them, so that a query, however long, never holds up the server's event loop. Columns a query reads
// are read before it starts (before its wall clock runs); others, sent ahead by the background preparation, are read
// a chunk at a time between queries. A large column kept on disk is read from its file; from HUNTING_PACKED_CELLS_MB
// the thread keeps such columns packed (where each cell is, in the shared buffer or the file), decodes a cell when a
// query reads it, and keeps the JSON paths queries read of it, parsed ahead between queries. The values decoded hold
// their repeated strings and dates once (string-pool.ts). The pool (query-pool.ts) ends this thread when a query
// passes its wall-clock limit, and V8 ends it when it passes its heap limit.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { CompiledQuery } from '../kql/engine.js';
import { compileKql } from '../kql/engine.js';
import { KqlError, KqlLimitError } from '../kql/kql-error.js';
import type { Row, Value } from '../kql/values.js';
import { clearValueCaches } from '../kql/values.js';
import { HUNTING_SCHEMAS, huntingCatalog, huntingColumnType } from '../hunting-tables.js';
import {
  ColumnReader,
  FileColumnReader,
  UnreadableColumnError,
  keepsPacked,
  packedBytes,
  rowsFromColumns,
} from './packed-tables.js';
import type { PackedCells, PackedColumn, PathReader } from './packed-tables.js';
import { StringPool } from './string-pool.js';
import type { ColumnPool } from './string-pool.js';
import type { FromWorker, TableNeed, ToWorker } from './protocol.js';
import { collectGarbage, runBelowRequestThread } from '../../worker-thread.js';

const COMPILED_CACHE_SIZE = 64;
const port = parentPort;
if (!port) throw new Error('query-worker.ts runs in a worker thread');
runBelowRequestThread();

/** What the pool gives each thread (query-pool.ts spawn). */
export interface QueryWorkerData {
  /** Packed bytes from which a column of text, or a dynamic one, is kept packed (packed-tables.ts keepsPacked). */
  packedCellsMinBytes: number;
  packedDynamicMinBytes: number;
}
const limits = workerData as QueryWorkerData;

/**
 * The files this thread holds open (the large columns it reads from disk): at most one per large column of the
 * version of each table it holds. It closes one when it lets a table version go; Node closes what is left once the
 * thread has exited (ended past its clock, or when nobody hunts).
 */
const openFiles = new Set<number>();

function closeFile(fd: number): void {
  if (openFiles.delete(fd)) closeSync(fd);
}

const send = (message: FromWorker) => port.postMessage(message);

/** One version of a table: the columns read so far, and rows made of them (null until made again). */
interface TableState {
  version: number;
  rowCount: number;
  /** The columns read so far. */
  loaded: Set<string>;
  /** Their values, until rows with every column of the table are made (then only the rows hold them). */
  columns: Map<string, Value[]>;
  /** The columns kept packed, read a cell at a time. */
  cells: Map<string, PackedCells>;
  /** The files its columns are read from (closed when the table is let go). */
  files: number[];
  rows: Row[] | null;
  /** The JSON paths kept of the previous version's columns, to keep of this one's (PackedCells.learn). */
  paths: Map<string, PathReader[]>;
}

type Reader = ColumnReader | FileColumnReader;

/**
 * The tables as sent, in the order sent: a column of another version than the one held replaces the table (the
 * pool keeps the same account of what each thread holds).
 */
const tables = new Map<string, TableState>();
/** Columns sent and not yet read, oldest first; the first may be partly read. */
let pending: Reader[] = [];
let draining = false;
/** Columns messages received so far (reported when all is read). */
let received = 0;
/**
 * The strings and dates of the columns being read, held once across columns and tables (AIAgentsInfo and AgentsInfo
 * share most of theirs); emptied once nothing is left to read, so that it holds nothing of a version let go.
 */
const pool = new StringPool();

/**
 * Dynamic values a query waited for, decoded without the pool and pooled between queries instead, a step at a time:
 * looked up as they were decoded, AgentToolsDetails alone added 0.4-0.5 s to the first hunt after a restart at
 * 100,000 agents (1.3-1.5 s against 0.9-1.1 s). `at` is the next value to pool.
 */
const toPool: { table: string; state: TableState; values: Value[]; at: number; pool: ColumnPool }[] = [];
/** Values pooled per step. */
const POOL_STEP = 4096;

function stateOf(table: string, version: number, rowCount: number): TableState {
  const held = tables.get(table);
  if (held?.version === version) return held;
  if (held) letGo(held);
  const fresh: TableState = {
    version,
    rowCount,
    loaded: new Set(),
    columns: new Map(),
    cells: new Map(),
    files: [],
    rows: null,
    paths: new Map([...(held?.cells ?? [])].map(([column, cells]) => [column, cells.pathsKept()])),
  };
  tables.set(table, fresh);
  return fresh;
}

/**
 * A table version let go since the last full collection. Its rows (hundreds of MB at 100,000 agents) are garbage
 * once it is replaced, but a thread's heap limit is sized to hold the tables, so V8 left them uncollected for minutes
 * while the next version's columns were read beside them: the busier thread went from 1.0 to 1.8 GB.
 */
let versionLetGo = false;

/** Closes the files of a table let go (between queries: no row of it is read again). */
function letGo(state: TableState): void {
  for (const fd of state.files.splice(0)) closeFile(fd);
  versionLetGo = true;
}

/** A reader for a column sent: its file opened, or its shared buffer, decoded or kept packed. */
function readerOf(packed: PackedColumn): Reader {
  const type = huntingColumnType(packed.table, packed.column);
  const keep = keepsPacked(type, packedBytes(packed), limits);
  if (!packed.file) return new ColumnReader(packed, type, keep, undefined, pool);
  let fd: number;
  try {
    fd = openSync(packed.file.path, 'r');
  } catch (error) {
    throw new UnreadableColumnError(packed, (error as Error).message);
  }
  openFiles.add(fd);
  try {
    return new FileColumnReader(packed, type, fd, fstatSync(fd).size, !keep, pool);
  } catch (error) {
    closeFile(fd);
    throw error;
  }
}

/** Drops a reader whose column is not wanted (a newer version was sent), closing its file. */
function drop(reader: Reader): void {
  if (reader instanceof FileColumnReader) closeFile(reader.fd);
}

function install(reader: Reader): void {
  const { table, column, version, rowCount } = reader.packed;
  const state = stateOf(table, version, rowCount);
  if (reader instanceof FileColumnReader) {
    reader.finish();
    // A column kept packed reads its cells from the file until the table version is let go; a decoded one is done.
    if (reader.decodes || state.loaded.has(column)) drop(reader);
    else state.files.push(reader.fd);
    if (reader.decodes) addColumn(state, column, reader.values);
    else addCells(state, column, reader.cells);
    return;
  }
  reader.finish();
  if (reader.cells) addCells(state, column, reader.cells);
  else addColumn(state, column, reader.values);
}

function addColumn(state: TableState, column: string, values: Value[]): void {
  if (state.loaded.has(column)) return;
  state.loaded.add(column);
  state.columns.set(column, values);
  state.rows = null;
}

function addCells(state: TableState, column: string, cells: PackedCells): void {
  if (state.loaded.has(column)) return;
  state.loaded.add(column);
  cells.learn(state.paths.get(column) ?? []);
  state.paths.delete(column);
  state.cells.set(column, cells);
  state.rows = null;
}

function makeRows(table: string, state: TableState): Row[] {
  if (state.rows) return state.rows;
  const schema = HUNTING_SCHEMAS[table] ?? [];
  state.rows = rowsFromColumns(schema, state.rowCount, state.columns, state.cells);
  if (state.loaded.size >= schema.length) state.columns.clear();
  return state.rows;
}

/** Between queries: the next chunk of the oldest pending column, then rows for tables that got columns. */
function drainStep(): void {
  const reader = pending[0];
  if (reader) {
    try {
      if (reader.step()) {
        pending.shift();
        install(reader);
      }
    } catch (error) {
      unreadable(error);
      return;
    }
    setImmediate(drainStep);
    return;
  }
  const stale = [...tables.entries()].find(([, state]) => state.rows === null);
  if (stale) {
    makeRows(stale[0], stale[1]);
    setImmediate(drainStep);
    return;
  }
  const later = toPool[0];
  if (later) {
    // Objects and arrays are pooled in place: the rows hold the same ones (equal cells one: ParsedCells). A table
    // let go is not pooled further.
    const end = tables.get(later.table) === later.state ? Math.min(later.values.length, later.at + POOL_STEP) : 0;
    for (; later.at < end; later.at += 1) {
      const value = later.values[later.at];
      if (value !== null && typeof value === 'object' && value !== later.values[later.at - 1]) later.pool.value(value);
    }
    if (later.at >= later.values.length || end === 0) toPool.shift();
    setImmediate(drainStep);
    return;
  }
  // Columns kept packed: their cells parsed ahead of the queries, a step at a time, for the JSON paths they read.
  const cold = [...tables.values()].flatMap((state) => [...state.cells.values()]).find((cells) => !cells.warm);
  if (cold) {
    try {
      cold.warmStep();
    } catch (error) {
      unreadable(error);
      return;
    }
    setImmediate(drainStep);
    return;
  }
  draining = false;
  pool.clear();
  if (versionLetGo) {
    versionLetGo = false;
    clearValueCaches();
    collectGarbage();
  }
  send({ type: 'drained', received });
}

function receive(columns: PackedColumn[]): void {
  received += 1;
  try {
    for (const packed of columns) pending.push(readerOf(packed));
  } catch (error) {
    unreadable(error);
    return;
  }
  drain();
}

function drain(): void {
  if (!draining) {
    draining = true;
    setImmediate(drainStep);
  }
}

/**
 * Before a query starts: its tables at the version it was given, with the columns it reads. Columns of the table
 * sent before a newer version are dropped (they were replaced); the query's own are read now; the table's other
 * pending columns stay for later.
 */
function ready(need: TableNeed): Row[] {
  const mine = pending.filter((r) => r.packed.table === need.table);
  const last = mine[mine.length - 1];
  if (last) {
    const version = last.packed.version;
    pending = pending.filter((r) => {
      if (r.packed.table !== need.table || r.packed.version === version) return true;
      drop(r);
      return false;
    });
    stateOf(need.table, version, last.packed.rowCount);
    pending = pending.filter((r) => {
      if (r.packed.table !== need.table || !need.columns.includes(r.packed.column)) return true;
      const later = huntingColumnType(need.table, r.packed.column) === 'dynamic' ? r.poolLater() : null;
      install(r);
      const state = tables.get(need.table);
      if (later && state && r.values.length > later.from) {
        toPool.push({ table: need.table, state, values: r.values, at: later.from, pool: later.pool });
      }
      return false;
    });
  }
  const state = stateOf(need.table, need.version, need.rowCount);
  const missing = need.columns.filter((c) => !state.loaded.has(c));
  if (missing.length > 0)
    throw new Error(`hunting table ${need.table} lacks ${missing.join(', ')} in its query thread`);
  // Columns kept packed are parsed ahead too, as a column decoded is read, before the query's clock: a first query
  // that parsed RawAgentInfo on its clock (seconds at 100,000 agents, two threads on two cores) ran past it, and the
  // thread ended with it lost what it had parsed.
  for (const column of need.columns) state.cells.get(column)?.warmStep(Number.POSITIVE_INFINITY);
  if (toPool.length > 0) drain();
  else if (!draining) pool.clear();
  return makeRows(need.table, state);
}

/** Reports a column that did not read back, or any other failure as it is; the pool ends this thread. */
function unreadable(error: unknown): void {
  if (!(error instanceof UnreadableColumnError)) throw error;
  for (const reader of pending.splice(0)) drop(reader);
  for (const state of tables.values()) letGo(state);
  tables.clear();
  toPool.length = 0;
  send({ type: 'unreadable', table: error.table, version: error.version, message: error.message });
}

const compiled = new Map<string, CompiledQuery>();

function compile(query: string): CompiledQuery {
  const cached = compiled.get(query);
  if (cached) return cached;
  const fresh = compileKql(query, huntingCatalog);
  if (compiled.size >= COMPILED_CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  compiled.set(query, fresh);
  return fresh;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'columns') {
    receive(message.columns);
    return;
  }
  let rowsOf: Map<string, Row[]>;
  try {
    rowsOf = new Map(message.needs.map((need) => [need.table, ready(need)]));
  } catch (error) {
    // An unreadable column ends this thread (the pool fails the query with it); anything else fails the query.
    if (error instanceof UnreadableColumnError) unreadable(error);
    else send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  send({ type: 'started', id: message.id });
  const started = performance.now();
  try {
    const result = compile(message.query).run({
      rows: (name) => rowsOf.get(name) ?? [],
      now: new Date(message.now),
      maxRows: message.maxRows,
      outputLimit: message.rowLimit,
    });
    send({
      type: 'result',
      id: message.id,
      schema: result.schema,
      results: result.rows,
      rowCount: result.rowCount,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
    });
  } catch (error) {
    if (error instanceof UnreadableColumnError) {
      // A column's file that did not read back while the query read it: the pool ends this thread.
      unreadable(error);
    } else if (error instanceof KqlError) {
      const { detail, line, column } = error;
      send({
        type: 'kql-error',
        id: message.id,
        error: { detail, line, column, limit: error instanceof KqlLimitError },
      });
    } else {
      send({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
});
send({ type: 'ready' });
