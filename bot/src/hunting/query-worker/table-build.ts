// The request thread's side of a build of the agent snapshot tables in a thread of its own (table-builder.ts): it
// reads the store's records as JSON text a page at a time and hands them over, and the packed columns come back once
// the thread has made the last row.
import type { Worker } from 'node:worker_threads';
import type { DirectoryUser } from '../../domain/types.js';
import { startModuleWorker } from '../../worker-thread.js';
import type { FromBuilder, ToBuilder } from './build-protocol.js';
import type { PackedColumn } from './packed-tables.js';

/** Where the builder's records come from (the store). */
export interface SnapshotSource {
  /** Agents in the tenant, about (the builder's heap is sized to them). */
  agentCount(): Promise<number>;
  snapshotPages(): AsyncIterable<string[]>;
  users(): Promise<DirectoryUser[]>;
  agentPages(): AsyncIterable<string[]>;
}

/**
 * Heap of the builder, at least 2 GB: room for the agents' snapshots and the pages of records it is sent (the rows'
 * cells go to the packed columns as each row is made, outside the heap). About 1.1 GB at 100,000 agents.
 */
const heapMbFor = (agents: number) => Math.max(2048, Math.ceil(1024 + agents * 0.05));

interface Pending {
  promise: Promise<PackedColumn>;
  resolve(packed: PackedColumn): void;
  reject(error: Error): void;
  done: boolean;
}

const keyOf = (table: string, column: string) => `${table}\u0000${column}`;

export class SnapshotBuild {
  private readonly columns = new Map<string, Pending>();
  private worker: Worker | null = null;
  private finished = false;

  private constructor(
    columns: { table: string; column: string }[],
    private readonly onColumn: (packed: PackedColumn) => void,
  ) {
    for (const { table, column } of columns) {
      let resolve!: (packed: PackedColumn) => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<PackedColumn>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A failed build is reported to the query that waits; columns nobody asked for fail unobserved.
      promise.catch(() => undefined);
      this.columns.set(keyOf(table, column), { promise, resolve, reject, done: false });
    }
  }

  /** Starts a build of `columns` under `version`; `onColumn` is told of each column packed (to keep it on disk). */
  static start(
    source: SnapshotSource,
    version: number,
    columns: { table: string; column: string }[],
    onColumn: (packed: PackedColumn) => void,
  ): SnapshotBuild {
    const build = new SnapshotBuild(columns, onColumn);
    build.run(source, version).catch((error: unknown) => build.fail(error));
    return build;
  }

  /** A column of the build, once packed. */
  column(table: string, column: string): Promise<PackedColumn> {
    return (
      this.columns.get(keyOf(table, column))?.promise ??
      Promise.reject(new Error(`no column ${column} in hunting table ${table}`))
    );
  }

  /** Stops the build: columns not yet packed fail. */
  cancel(): void {
    this.fail(new Error('the hunting tables builder was stopped (the server is closing)'));
  }

  private async run(source: SnapshotSource, version: number) {
    const heapMb = heapMbFor(await source.agentCount());
    const worker = startModuleWorker(import.meta.url, 'table-builder', {
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 64 },
    });
    this.worker = worker;
    worker.on('message', (message: FromBuilder) => this.onMessage(message));
    worker.on('error', (error: Error & { code?: string }) =>
      this.fail(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error(`building the hunting tables needed more than ${heapMb} MB`)
          : error,
      ),
    );
    worker.on('exit', () => this.fail(new Error('the hunting tables builder stopped')));
    // A build stopped meanwhile (the server closing) reads no further.
    for await (const texts of source.snapshotPages()) {
      if (this.finished) return;
      this.post({ type: 'snapshots', texts });
    }
    this.post({ type: 'users', users: await source.users() });
    for await (const texts of source.agentPages()) {
      if (this.finished) return;
      this.post({ type: 'agents', texts });
    }
    this.post({ type: 'pack', version });
  }

  private post(message: ToBuilder): void {
    if (this.finished) return;
    this.worker?.postMessage(message);
  }

  private onMessage(message: FromBuilder): void {
    if (message.type === 'column') {
      const { table, column } = message.packed;
      const pending = this.columns.get(keyOf(table, column));
      if (!pending || pending.done) return;
      pending.done = true;
      pending.resolve(message.packed);
      this.onColumn(message.packed);
    } else if (message.type === 'done') {
      this.finished = true;
      void this.worker?.terminate();
    } else {
      this.fail(new Error(`building the hunting tables failed: ${message.message}`));
    }
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const pending of this.columns.values()) {
      if (!pending.done) pending.reject(reason);
    }
    this.finished = true;
    void this.worker?.terminate();
  }

  /** Whether the build ended without all its columns (the next query starts another). */
  get failed(): boolean {
    return this.finished && [...this.columns.values()].some((p) => !p.done);
  }
}
