// Runs in a worker thread: reads the hunting tables from their shared packed form and runs queries over them, so that a query,
// however long, never holds up the server's event loop. The pool (query-pool.ts) ends this thread when a
// query passes its wall-clock limit, and V8 ends it when it passes its heap limit.
import { parentPort } from 'node:worker_threads';
import type { CompiledQuery } from '../kql/engine.js';
import { compileKql } from '../kql/engine.js';
import { KqlError, KqlLimitError } from '../kql/kql-error.js';
import type { Row } from '../kql/values.js';
import { HUNTING_SCHEMAS, huntingCatalog } from '../hunting-tables.js';
import { unpackTables } from './packed-tables.js';
import type { FromWorker, ToWorker } from './protocol.js';

const COMPILED_CACHE_SIZE = 64;
const port = parentPort;
if (!port) throw new Error('query-worker.ts runs in a worker thread');

/** Each part's tables (hunting-tables.ts HUNTING_PARTS), replaced when the service sends a newer version. */
const parts = new Map<string, Record<string, Row[]>>();
const rowsOf = (name: string): Row[] => {
  for (const tables of parts.values()) {
    const rows = tables[name];
    if (rows) return rows;
  }
  return [];
};
const compiled = new Map<string, CompiledQuery>();
const send = (message: FromWorker) => port.postMessage(message);

function compile(query: string): CompiledQuery {
  const cached = compiled.get(query);
  if (cached) return cached;
  const fresh = compileKql(query, huntingCatalog);
  if (compiled.size >= COMPILED_CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
  compiled.set(query, fresh);
  return fresh;
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'tables') {
    parts.delete(message.part);
    parts.set(message.part, unpackTables(message.buffer, HUNTING_SCHEMAS));
    return;
  }
  send({ type: 'started', id: message.id });
  const started = performance.now();
  try {
    const result = compile(message.query).run({
      rows: rowsOf,
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
