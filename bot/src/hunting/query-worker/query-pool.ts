import { KqlError, KqlLimitError } from '../kql/kql-error.js';
// Runs hunting queries in worker threads, off the request thread, each under a wall-clock limit and a heap
// limit: a query past either is ended (the thread is terminated and a fresh one takes its place), and its
// caller gets a 408 or a 422 saying which limit it passed. Requests, /healthz and the webhook go on meanwhile.
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../worker-thread.js';
import { DomainError } from '../../domain/errors.js';
import type { Column } from '../kql/values.js';
import { huntingColumnType } from '../hunting-tables.js';
import { keepsPacked, packedBytes } from './packed-tables.js';
import type { PackedColumn, PackedTable } from './packed-tables.js';
import type { QueryWorkerData } from './query-worker.js';
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
  /**
   * Idle time, in milliseconds, after which the query threads end and the packed tables are let go: a tenant's
   * tables take GBs at 100,000 agents, held only while people hunt (the next query reads them again).
   */
  idleReleaseMs: number;
  /**
   * Packed bytes from which a thread keeps a column of text packed and decodes a cell each time a query reads it
   * (packed-tables.ts keepsPacked), instead of decoding the column once: less memory, slower queries. Off by default:
   * at 100,000 agents it took the server from 7 to 3 GB resident while the templates that parse RawAgentInfo went
   * from under 1 s to past the 10 s clock (README, Scale).
   */
  packedCellsMinBytes: number;
  /** The same for a dynamic column, whose cells are parsed each time they are read. */
  packedDynamicMinBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  timeoutMs: 10_000,
  maxRows: 2_000_000,
  heapMb: 1024,
  workers: 2,
  maxWaiting: 32,
  idleReleaseMs: 5 * 60_000,
  packedCellsMinBytes: Number.POSITIVE_INFINITY,
  packedDynamicMinBytes: Number.POSITIVE_INFINITY,
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
  /** The tables the query reads, with the columns it reads, packed. */
  tables: PackedTable[];
  query: string;
  rowLimit: number;
  now: Date;
  resolve(result: PoolResult): void;
  reject(error: Error): void;
}

/** What a thread was sent of a table: its version, the columns, and their packed size. */
interface Held {
  version: number;
  columns: Set<string>;
  bytes: number;
}

interface Slot {
  worker: Worker;
  /** Each table as this thread was sent it (a column of another version replaced the table there too). */
  held: Map<string, Held>;
  heapMb: number;
  /** Columns messages posted to the thread, and how many of them it reported read through. */
  sent: number;
  drained: number;
  /** The running query; its wall clock starts when the thread says it began (after start-up and tables). */
  job: { id: number; job: Job; timer: NodeJS.Timeout | null } | null;
}

/**
 * Heap per MB of packed tables: their rows as objects take about 1.5 MB per packed MB (884 MB packed, 1.3 GB of
 * rows at 100,000 agents), the rest is room for a query's own rows.
 */
const MB = 1024 * 1024;
const HEAP_PER_PACKED_MB = 3;
/** The heap new threads get once the tables outgrow it, for what they need now. */
const HEAP_HEADROOM = 1.25;
/** A column kept packed, per row: where its cell is (8 bytes), and room for the JSON paths kept (PackedCells.path). */
const KEPT_PACKED_BYTES_PER_ROW = 256;

/**
 * The young generation of a thread with `heapMb` of heap: an eighth of it, between V8's usual 48 MB and 192 MB. A
 * query makes rows, keys and copies by the million that die within the operator after the one that made them; with
 * V8's 16 MB semi-spaces the thread scavenged so often that the survivors of each scavenge (the groups and indexes
 * under construction) were copied again and again. At 100,000 agents, five runs each, the slowest templates' medians
 * went from 0.65-1.12 s to 0.54-0.83 s with 192 MB (`bench/hunting-bench.ts`).
 */
export const youngGenerationMbFor = (heapMb: number): number => Math.min(192, Math.max(48, Math.round(heapMb / 8)));

export class QueryPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private readonly settledWaiters: (() => void)[] = [];
  private nextId = 1;
  private closed = false;
  /** The heap new threads get: the configured one, raised to fit the largest tables seen. */
  private heapMb: number;

  constructor(
    readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
    /** Told of a table whose packed column a thread could not read (that thread is ended): pack it again. */
    private readonly onUnreadable: (table: string, version: number) => void = () => undefined,
  ) {
    this.heapMb = limits.heapMb;
  }

  run(tables: PackedTable[], query: string, rowLimit: number, now: Date): Promise<PoolResult> {
    if (this.closed) return Promise.reject(new Error('the hunting query pool is closed'));
    return new Promise<PoolResult>((resolve, reject) => {
      const job: Job = { tables, query, rowLimit, now, resolve, reject };
      const slot = this.idleSlot();
      if (slot) this.start(slot, job);
      else if (this.waiting.length >= this.limits.maxWaiting) reject(new QueryPoolBusyError());
      else this.waiting.push(job);
    });
  }

  /**
   * Starts a thread ahead of the first query (its start is most of a first query's time). One: each thread holds
   * its own copy of the tables it reads (0.7-1.2 GB of heap at 100,000 agents), and people hunting one query after
   * another never need a second. The others start when a query finds every thread busy (`idleSlot`), and then get
   * the tables ahead too. Started together, two threads also read the tables at once after a restart, each taking
   * a core from the other on a machine of two.
   */
  warm(): void {
    if (!this.closed && this.slots.length === 0) this.slots.push(this.spawn());
  }

  /**
   * Hands `tables` to the idle threads ahead of the next query, so that a query after a change does not wait for
   * its thread to read them (what the service's background preparation calls); a thread reads them between queries.
   */
  preload(tables: PackedTable[]): void {
    if (this.closed) return;
    this.warm();
    for (const slot of [...this.slots]) {
      if (slot.job !== null) continue;
      this.sendTables(this.roomy(slot, tables), tables);
    }
  }

  /** The columns of `tables` the thread was not sent yet. */
  private unsent(slot: Slot, tables: PackedTable[]): PackedColumn[] {
    const out: PackedColumn[] = [];
    for (const t of tables) {
      const held = slot.held.get(t.table);
      for (const c of t.columns) if (held?.version !== t.version || !held.columns.has(c.column)) out.push(c);
    }
    return out;
  }

  /** Packed bytes the thread will hold once sent `tables`. */
  private bytesAfter(slot: Slot, tables: PackedTable[]): number {
    let bytes = 0;
    for (const [table, held] of slot.held) {
      const next = tables.find((t) => t.table === table);
      if (!next || next.version === held.version) bytes += held.bytes;
    }
    for (const c of this.unsent(slot, tables)) bytes += this.heldBytes(c);
    return bytes;
  }

  /**
   * What a column takes of a thread's heap, as packed bytes (heapMbFor): a column the thread keeps packed holds only
   * where its cells are and the JSON paths queries read of them (PackedCells), not its values (RawAgentInfo's 816 MB
   * at 100,000 agents, counted as decoded, asked 2.4 GB more heap of each thread).
   */
  private heldBytes(c: PackedColumn): number {
    const kept = keepsPacked(huntingColumnType(c.table, c.column), packedBytes(c), this.limits);
    return kept ? c.rowCount * KEPT_PACKED_BYTES_PER_ROW : packedBytes(c);
  }

  /** The thread, or a fresh one with a larger heap in its place if it would not hold `tables` besides its own. */
  private roomy(slot: Slot, tables: PackedTable[]): Slot {
    const need = this.heapMbFor(this.bytesAfter(slot, tables));
    // With room to grow: a change makes a table a little larger, and a thread replaced reads every column again
    // (at 100,000 agents, threads replaced for a few MB more lost seconds of reading each time).
    if (need > this.heapMb) this.heapMb = Math.ceil(need * HEAP_HEADROOM);
    return slot.heapMb >= need ? slot : this.replace(slot);
  }

  private sendTables(slot: Slot, tables: PackedTable[]): void {
    const columns = this.unsent(slot, tables);
    if (columns.length === 0) return;
    for (const c of columns) {
      let held = slot.held.get(c.table);
      if (held?.version !== c.version) {
        held = { version: c.version, columns: new Set(), bytes: 0 };
        slot.held.set(c.table, held);
      }
      held.columns.add(c.column);
      held.bytes += this.heldBytes(c);
    }
    slot.sent += 1;
    this.post(slot, { type: 'columns', columns });
  }

  /**
   * Ends every query thread, letting go of the tables they hold, when none is running a query and none is waiting
   * (the next query starts fresh threads); false when one is busy.
   */
  release(): boolean {
    if (this.closed || this.waiting.length > 0 || this.slots.some((s) => s.job !== null)) return false;
    for (const slot of this.slots.splice(0)) void slot.worker.terminate();
    this.checkSettled();
    return true;
  }

  /** Resolves once every thread has read all the columns it was sent (benchmarks and tests wait for it). */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push(resolve);
      this.checkSettled();
    });
  }

  private checkSettled(): void {
    if (!this.slots.every((s) => s.drained >= s.sent)) return;
    for (const resolve of this.settledWaiters.splice(0)) resolve();
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

  /** The heap a thread needs to hold `packedBytes` of packed columns: the configured heap, or more for large tables. */
  heapMbFor(packedBytes: number): number {
    const packedMb = packedBytes / MB;
    return Math.max(this.limits.heapMb, Math.ceil(this.limits.heapMb / 4 + packedMb * HEAP_PER_PACKED_MB));
  }

  private spawn(heapMb: number = this.heapMb): Slot {
    const { packedCellsMinBytes, packedDynamicMinBytes } = this.limits;
    const data: QueryWorkerData = { packedCellsMinBytes, packedDynamicMinBytes };
    const worker = startModuleWorker(import.meta.url, 'query-worker', {
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: youngGenerationMbFor(heapMb) },
      workerData: data,
    });
    worker.unref();
    const slot: Slot = { worker, held: new Map(), heapMb, sent: 0, drained: 0, job: null };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error: Error & { code?: string }) => {
      const failure =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new QueryLimitError('memory', `the query needed more than ${slot.heapMb} MB and was stopped`)
          : error;
      this.retire(slot, failure);
    });
    // Node closes the files a thread opened once it has exited (terminated, or out of memory).
    worker.on('exit', () => this.retire(slot, new Error('a hunting query thread stopped')));
    return slot;
  }

  private start(given: Slot, job: Job): void {
    const slot = this.roomy(given, job.tables);
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
      needs: job.tables.map((t) => ({
        table: t.table,
        version: t.version,
        rowCount: t.rowCount,
        columns: t.columns.map((c) => c.column),
      })),
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
    if (message.type === 'drained') {
      slot.drained = message.received;
      this.checkSettled();
      return;
    }
    if (message.type === 'unreadable') {
      this.onUnreadable(message.table, message.version);
      this.retire(slot, new Error(message.message));
      void slot.worker.terminate();
      return;
    }
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
    this.checkSettled();
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
