// The messages between the hunting service and its query worker (worker_threads, structured clone).
import type { Column, Row } from '../kql/values.js';

export interface WorkerTables {
  version: number;
  tables: Record<string, Row[]>;
}

export type ToWorker =
  | ({ type: 'tables' } & WorkerTables)
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
