import { startModuleWorker } from '../worker-thread.js';
import type { Db, Sql } from './db.js';

/** A message to the PGlite thread (bot/src/store/pglite-worker.ts). */
export interface WorkerRequest {
  id: number;
  op: 'query' | 'exec' | 'begin' | 'end' | 'close';
  text?: string;
  params?: unknown[];
  /** Set for 'begin', 'end' and the statements of that transaction. */
  txId?: number;
  commit?: boolean;
}

/** Its answer: the rows (null when there are none to give), or the error with its fields (code, detail...). */
export interface WorkerReply {
  id: number;
  rows?: unknown;
  error?: { message: string; name: string; fields: Record<string, string | number> };
}

/**
 * PGlite in a worker thread behind the store's `Db` interface: the same SQL and the same single
 * connection (transactions still serialize), but PostgreSQL's WebAssembly and its JS no longer run
 * on the thread that answers HTTP requests. Rows cross by structured clone (Dates, objects, arrays
 * and byte arrays keep their types). The thread holds the process open only while a request is
 * pending, like a socket would.
 */
export async function openPgliteWorker(dataDir: string | null, preparedCluster?: string | null): Promise<Db> {
  const worker = startModuleWorker(import.meta.url, 'pglite-worker', { workerData: { dataDir, preparedCluster } });
  const pending = new Map<number, { resolve: (rows: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let nextTx = 1;
  let failure: Error | null = null;

  let ready!: { resolve: () => void; reject: (err: Error) => void };
  const opened = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));
  const settle = (m: WorkerReply) => {
    if (m.id === 0) {
      if (m.error) ready.reject(Object.assign(new Error(m.error.message), m.error.fields));
      else ready.resolve();
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error) p.reject(Object.assign(new Error(m.error.message), m.error.fields, { name: m.error.name }));
    else p.resolve(m.rows);
  };
  const failAll = (err: Error) => {
    failure = err;
    ready.reject(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', settle);
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the PGlite thread exited (code ${code})`)));

  const send = <T>(m: Omit<WorkerRequest, 'id'>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (rows: unknown) => void, reject });
      worker.ref();
      worker.postMessage({ ...m, id });
    });
  };

  // The thread answers id 0 once PGlite is open (or with the error that stopped it).
  try {
    await opened;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  worker.unref();

  const sqlOf = (txId?: number): Sql => ({
    async query<Row>(text: string, params?: unknown[]) {
      return send<Row[]>({ op: 'query', text, params, txId });
    },
    async exec(script: string) {
      await send({ op: 'exec', text: script, txId });
    },
  });
  const root = sqlOf();
  return {
    backend: 'pglite',
    query: root.query,
    exec: root.exec,
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const txId = nextTx++;
      await send({ op: 'begin', txId });
      let result: T;
      try {
        result = await fn(sqlOf(txId));
      } catch (err) {
        await send({ op: 'end', txId, commit: false }).catch(() => undefined);
        throw err;
      }
      await send({ op: 'end', txId, commit: true });
      return result;
    },
    async withAdvisoryLock(key, fn) {
      await root.query('select pg_advisory_lock($1)', [key]);
      try {
        return await fn(root);
      } finally {
        await root.query('select pg_advisory_unlock($1)', [key]);
      }
    },
    async close() {
      if (failure) return;
      await send({ op: 'close' });
      await worker.terminate();
    },
  };
}
