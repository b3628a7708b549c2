import { KqlError, KqlLimitError } from '../kql/kql-error.js';
// Runs hunting queries in worker threads, off the request thread, each under a wall-clock limit and a heap
// limit: a query past either is ended (the thread is terminated and a fresh one takes its place), and its
// caller gets a 408 or a 422 saying which limit it passed. Requests, /healthz and the webhook go on meanwhile.
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../worker-thread.js';
import { DomainError } from '../../domain/errors.js';
import type { Column } from '../kql/values.js';
import type { PackedTables } from './packed-tables.js';
import type { FromWorker, ToWorker, WorkerKqlError } from './protocol.js';

export interface QueryLimits {
  /** Wall-clock time one query may take, in milliseconds. */
  timeoutMs: number;
  /** Rows one join or mv-expand may make. */
  maxRows: number;
  /**
   * Heap of a query thread, in MB, at least: a thread given larger tables gets a heap sized to them
   * (`heapMbFor`), so a large tenant is not refused for its size while a query's own excess still is.
   */
  heapMb: number;
  /** Query threads (queries run side by side). */
  workers: number;
  /** Queries that may wait for a free thread; more are refused with 503. */
  maxWaiting: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  timeoutMs: 10_000,
  maxRows: 2_000_000,
  heapMb: 1024,
  workers: 2,
  maxWaiting: 32,
};

/** 408: the query ran past the wall-clock limit and was stopped. */
export class QueryTimeoutError extends DomainError {
  constructor(ms: number) {
    super('query_timeout', `the query ran longer than ${ms / 1000} s and was stopped; narrow it`, 408, 'query');
  }
}

/** 422: the query passed a row or memory limit and was stopped. */
export class QueryLimitError extends DomainError {
  constructor(
    readonly limit: 'rows' | 'memory',
    message: string,
  ) {
    super('query_limit_exceeded', message, 422, 'query');
  }
}

/** 503: every query thread is busy and the waiting line is full. */
export class QueryPoolBusyError extends DomainError {
  constructor() {
    super('hunting_busy', 'too many hunting queries are running; try again in a few seconds', 503);
  }
}

export interface PoolResult {
  schema: Column[];
  results: Record<string, unknown>[];
  rowCount: number;
  elapsedMs: number;
}

/** The KQL error a query raised while it ran, again as the error it was in the query thread. */
function kqlError({ detail, line, column, limit }: WorkerKqlError): KqlError {
  return limit ? new KqlLimitError(detail, line, column) : new KqlError(detail, line, column);
}

interface Job {
  tables: PackedTables[];
  query: string;
  rowLimit: number;
  now: Date;
  resolve(result: PoolResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** The version of each part of the tables this thread holds. */
  tablesVersions: Map<string, number>;
  heapMb: number;
  /** The running query; its wall clock starts when the thread says it began (after start-up and tables). */
  job: { id: number; job: Job; timer: NodeJS.Timeout | null } | null;
}

/**
 * Heap per MB of packed tables: their rows as objects take about 1.5 MB per packed MB (884 MB packed, 1.3 GB of
 * rows at 100,000 agents), the rest is room for a query's own rows.
 */
const HEAP_PER_PACKED_MB = 3;

export class QueryPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** The heap new threads get: the configured one, raised to fit the largest tables seen. */
  private heapMb: number;

  constructor(readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
    this.heapMb = limits.heapMb;
  }

  run(tables: PackedTables[], query: string, rowLimit: number, now: Date): Promise<PoolResult> {
    if (this.closed) return Promise.reject(new Error('the hunting query pool is closed'));
    return new Promise<PoolResult>((resolve, reject) => {
      const job: Job = { tables, query, rowLimit, now, resolve, reject };
      const slot = this.idleSlot();
      if (slot) this.start(slot, job);
      else if (this.waiting.length >= this.limits.maxWaiting) reject(new QueryPoolBusyError());
      else this.waiting.push(job);
    });
  }

  /** Starts the threads ahead of the first query (their start is most of a first query's time). */
  warm(): void {
    while (!this.closed && this.slots.length < this.limits.workers) this.slots.push(this.spawn());
  }

  /**
   * Hands `tables` to the idle threads ahead of the next query, so that a query after a change does not wait for
   * its thread to read them (what the service's background preparation calls).
   */
  preload(tables: PackedTables[]): void {
    if (this.closed) return;
    this.warm();
    this.heapMb = Math.max(this.heapMb, this.heapMbFor(tables));
    for (const slot of [...this.slots]) {
      if (slot.job !== null) continue;
      const ready = slot.heapMb >= this.heapMb ? slot : this.replace(slot);
      this.sendTables(ready, tables);
    }
  }

  private sendTables(slot: Slot, tables: PackedTables[]): void {
    for (const part of tables) {
      if (slot.tablesVersions.get(part.part) === part.version) continue;
      this.post(slot, { type: 'tables', part: part.part, version: part.version, buffer: part.buffer });
      slot.tablesVersions.set(part.part, part.version);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new Error('the hunting query pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private idleSlot(): Slot | null {
    const idle = this.slots.find((s) => s.job === null);
    if (idle) return idle;
    if (this.slots.length >= this.limits.workers) return null;
    const slot = this.spawn();
    this.slots.push(slot);
    return slot;
  }

  /** The heap a thread needs for `tables`: the configured heap, or more for large tables. */
  heapMbFor(tables: PackedTables[] | null): number {
    const packedMb = (tables ?? []).reduce((sum, t) => sum + t.buffer.byteLength, 0) / (1024 * 1024);
    return Math.max(this.limits.heapMb, Math.ceil(this.limits.heapMb / 4 + packedMb * HEAP_PER_PACKED_MB));
  }

  private spawn(heapMb: number = this.heapMb): Slot {
    const worker = startModuleWorker(import.meta.url, 'query-worker', {
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    worker.unref();
    const slot: Slot = { worker, tablesVersions: new Map(), heapMb, job: null };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      const failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new QueryLimitError('memory', `the query needed more than ${slot.heapMb} MB and was stopped`)
          : error;
      this.retire(slot, failure);
    });
    worker.on('exit', () => this.retire(slot, new Error('a hunting query thread stopped')));
    return slot;
  }

  private start(given: Slot, job: Job): void {
    this.heapMb = Math.max(this.heapMb, this.heapMbFor(job.tables));
    const slot = given.heapMb >= this.heapMb ? given : this.replace(given);
    const id = this.nextId++;
    slot.job = { id, job, timer: null };
    // A running query keeps the process alive (a script awaiting it); an idle thread does not.
    slot.worker.ref();
    this.sendTables(slot, job.tables);
    this.post(slot, {
      type: 'run',
      id,
      query: job.query,
      rowLimit: job.rowLimit,
      maxRows: this.limits.maxRows,
      now: job.now.getTime(),
    });
  }

  /** The query's wall-clock limit: past it the thread is ended and the caller gets 408. */
  private clockFor(slot: Slot): NodeJS.Timeout {
    return setTimeout(() => {
      this.retire(slot, new QueryTimeoutError(this.limits.timeoutMs));
      void slot.worker.terminate();
    }, this.limits.timeoutMs);
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready' || !slot.job || slot.job.id !== message.id) return;
    if (message.type === 'started') {
      slot.job.timer ??= this.clockFor(slot);
      return;
    }
    const { job, timer } = slot.job;
    if (timer) clearTimeout(timer);
    slot.job = null;
    slot.worker.unref();
    if (message.type === 'result') {
      const { schema, results, rowCount, elapsedMs } = message;
      job.resolve({ schema, results, rowCount, elapsedMs });
    } else if (message.type === 'kql-error') {
      job.reject(kqlError(message.error));
    } else {
      job.reject(new Error(message.message));
    }
    this.next(slot);
  }

  /** Takes a thread out of the pool (ended, crashed or out of memory); its query, if any, fails with `error`. */
  private retire(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (slot.job) {
      if (slot.job.timer) clearTimeout(slot.job.timer);
      slot.job.job.reject(error);
      slot.job = null;
    }
    const waiting = this.waiting.shift();
    if (waiting && !this.closed) {
      const fresh = this.spawn();
      this.slots.push(fresh);
      this.start(fresh, waiting);
    }
  }

  /** Ends an idle thread whose heap is too small for the current tables; a larger one takes its place. */
  private replace(slot: Slot): Slot {
    const index = this.slots.indexOf(slot);
    const fresh = this.spawn();
    if (index >= 0) this.slots[index] = fresh;
    void slot.worker.terminate();
    return fresh;
  }

  private next(slot: Slot): void {
    const job = this.waiting.shift();
    if (job) this.start(slot, job);
  }
}
