// Runs in a worker thread: reads the hunting tables from their shared packed form (a column at a time) and runs
// queries over them, so that a query, however long, never holds up the server's event loop. Columns a query reads
// are read before it starts (before its wall clock runs); others, sent ahead by the background preparation, are read
// a chunk at a time between queries. The pool (query-pool.ts) ends this thread when a query passes its wall-clock
// limit, and V8 ends it when it passes its heap limit.
import { parentPort } from 'node:worker_threads';
import type { CompiledQuery } from '../kql/engine.js';
import { compileKql } from '../kql/engine.js';
import { KqlError, KqlLimitError } from '../kql/kql-error.js';
import type { Row, Value } from '../kql/values.js';
import { HUNTING_SCHEMAS, huntingCatalog } from '../hunting-tables.js';
import { ColumnReader, UnreadableColumnError, rowsFromColumns } from './packed-tables.js';
import type { PackedColumn } from './packed-tables.js';
import type { FromWorker, TableNeed, ToWorker } from './protocol.js';
import { runBelowRequestThread } from '../../worker-thread.js';

const COMPILED_CACHE_SIZE = 64;
const port = parentPort;
if (!port) throw new Error('query-worker.ts runs in a worker thread');
runBelowRequestThread();

const send = (message: FromWorker) => port.postMessage(message);

/** One version of a table: the columns read so far, and rows made of them (null until made again). */
interface TableState {
  version: number;
  rowCount: number;
  /** The columns read so far. */
  loaded: Set<string>;
  /** Their values, until rows with every column of the table are made (then only the rows hold them). */
  columns: Map<string, Value[]>;
  rows: Row[] | null;
}

/**
 * The tables as sent, in the order sent: a column of another version than the one held replaces the table (the
 * pool keeps the same account of what each thread holds).
 */
const tables = new Map<string, TableState>();
/** Columns sent and not yet read, oldest first; the first may be partly read. */
let pending: ColumnReader[] = [];
let draining = false;
/** Columns messages received so far (reported when all is read). */
let received = 0;

const typeOf = (table: string, column: string) =>
  HUNTING_SCHEMAS[table]?.find((c) => c.name === column)?.type ?? 'dynamic';

function stateOf(table: string, version: number, rowCount: number): TableState {
  const held = tables.get(table);
  if (held?.version === version) return held;
  const fresh: TableState = { version, rowCount, loaded: new Set(), columns: new Map(), rows: null };
  tables.set(table, fresh);
  return fresh;
}

function install(reader: ColumnReader): void {
  const { table, column, version, rowCount } = reader.packed;
  addColumn(stateOf(table, version, rowCount), column, reader.finish());
}

function addColumn(state: TableState, column: string, values: Value[]): void {
  if (state.loaded.has(column)) return;
  state.loaded.add(column);
  state.columns.set(column, values);
  state.rows = null;
}

function makeRows(table: string, state: TableState): Row[] {
  if (state.rows) return state.rows;
  const schema = HUNTING_SCHEMAS[table] ?? [];
  state.rows = rowsFromColumns(schema, state.rowCount, state.columns);
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
  draining = false;
  send({ type: 'drained', received });
}

function receive(columns: PackedColumn[]): void {
  received += 1;
  for (const packed of columns) pending.push(new ColumnReader(packed, typeOf(packed.table, packed.column)));
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
    pending = pending.filter((r) => r.packed.table !== need.table || r.packed.version === version);
    const state = stateOf(need.table, version, last.packed.rowCount);
    pending = pending.filter((r) => {
      if (r.packed.table !== need.table || !need.columns.includes(r.packed.column)) return true;
      addColumn(state, r.packed.column, r.finish());
      return false;
    });
  }
  const state = stateOf(need.table, need.version, need.rowCount);
  const missing = need.columns.filter((c) => !state.loaded.has(c));
  if (missing.length > 0)
    throw new Error(`hunting table ${need.table} lacks ${missing.join(', ')} in its query thread`);
  return makeRows(need.table, state);
}

/** Reports a column that did not read back, or any other failure as it is; the pool ends this thread. */
function unreadable(error: unknown): void {
  if (!(error instanceof UnreadableColumnError)) throw error;
  pending = [];
  tables.clear();
  send({ type: 'unreadable', table: error.table, message: error.message });
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
    if (error instanceof KqlError) {
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
