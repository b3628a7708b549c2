// The messages between the hunting service and its query worker (worker_threads, structured clone; the
// tables' buffer is shared, not copied).
import type { Column } from '../kql/values.js';

export type ToWorker =
  /** The tables of a store version, packed (packed-tables.ts): the thread reads them from the shared buffer. */
  | { type: 'tables'; part: string; version: number; buffer: SharedArrayBuffer }
  | { type: 'run'; id: number; query: string; rowLimit: number; maxRows: number; now: number };

/** A KqlError thrown while running: its place and detail; `limit` when it is a row cap that was exceeded. */
export interface WorkerKqlError {
  detail: string;
  line: number;
  column: number;
  limit: boolean;
}

export type FromWorker =
  | { type: 'ready' }
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
  | { type: 'failed'; id: number; message: string };
