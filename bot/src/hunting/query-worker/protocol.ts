// The messages between the hunting service and its query worker (worker_threads, structured clone; the
// tables' buffer is shared, not copied).
import type { Column } from '../kql/values.js';
import type { PackedColumn } from './packed-tables.js';

/** A table a query reads: the version and rows it must see, and the columns it reads (query-columns.ts). */
export interface TableNeed {
  table: string;
  version: number;
  rowCount: number;
  columns: string[];
}

export type ToWorker =
  /**
   * Columns of tables, packed (packed-tables.ts): the thread reads them from the shared buffers, between queries
   * (a chunk at a time) or at once when a query needs them.
   */
  | { type: 'columns'; columns: PackedColumn[] }
  | { type: 'run'; id: number; query: string; rowLimit: number; maxRows: number; now: number; needs: TableNeed[] };

/** A KqlError thrown while running: its place and detail; `limit` when it is a row cap that was exceeded. */
export interface WorkerKqlError {
  detail: string;
  line: number;
  column: number;
  limit: boolean;
}

export type FromWorker =
  | { type: 'ready' }
  /** Every column sent in the first `received` columns messages is read and in rows (nothing left to do). */
  | { type: 'drained'; received: number }
  /** The run began (its tables are in place): its wall clock starts now. */
  | { type: 'started'; id: number }
  | {
      type: 'result';
      id: number;
      schema: Column[];
      results: Record<string, unknown>[];
      rowCount: number;
      elapsedMs: number;
    }
  | { type: 'kql-error'; id: number; error: WorkerKqlError }
  | { type: 'failed'; id: number; message: string }
  /** A column sent did not read back (packed-tables.ts UnreadableColumnError): the thread is to be ended. */
  | { type: 'unreadable'; table: string; version: number; message: string };
