import { parentPort, workerData } from 'node:worker_threads';
import type { Db, Sql } from './db.js';
import { openPglite } from './pglite-db.js';
import type { WorkerReply, WorkerRequest } from './pglite-worker-db.js';

// The thread that owns PGlite (bot/src/store/pglite-worker-db.ts starts it): PostgreSQL's WebAssembly
// runs here, off the thread that answers HTTP requests. Each request is answered once, in order of
// completion; a transaction stays open here between the messages of its statements.

const port = parentPort!;
const { dataDir, preparedCluster } = workerData as { dataDir: string | null; preparedCluster?: string | null };

/** Statements waiting for an open transaction, by transaction id. */
interface OpenTransaction {
  queue: WorkerRequest[];
  wake: (() => void) | null;
}
const transactions = new Map<number, OpenTransaction>();
const ROLLBACK = Symbol('rollback');

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

function errorReply(id: number, err: unknown): WorkerReply {
  const e = err instanceof Error ? err : new Error(String(err));
  const fields: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(e)) if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  return { id, error: { message: e.message, name: e.name, fields } };
}

async function run(sql: Sql, m: WorkerRequest): Promise<unknown> {
  if (m.op === 'exec') return sql.exec(m.text!);
  return sql.query(m.text!, m.params);
}

async function openTransaction(db: Db, m: WorkerRequest): Promise<void> {
  const tx: OpenTransaction = { queue: [], wake: null };
  transactions.set(m.txId!, tx);
  let begun = false;
  let endId: number | null = null;
  try {
    await db.transaction(async (sql) => {
      begun = true;
      reply({ id: m.id, rows: null });
      for (;;) {
        const next = tx.queue.shift();
        if (!next) {
          await new Promise<void>((resolve) => (tx.wake = resolve));
          tx.wake = null;
          continue;
        }
        if (next.op === 'end') {
          endId = next.id;
          if (next.commit) return;
          throw ROLLBACK;
        }
        try {
          reply({ id: next.id, rows: await run(sql, next) });
        } catch (err) {
          reply(errorReply(next.id, err));
        }
      }
    });
    reply({ id: endId!, rows: null });
  } catch (err) {
    if (err === ROLLBACK) reply({ id: endId!, rows: null });
    else reply(errorReply(endId ?? (begun ? -1 : m.id), err));
  } finally {
    transactions.delete(m.txId!);
  }
}

async function main(): Promise<void> {
  let db: Db;
  try {
    db = await openPglite(dataDir, preparedCluster);
  } catch (err) {
    reply(errorReply(0, err));
    return;
  }
  reply({ id: 0, rows: null });
  port.on('message', (m: WorkerRequest) => {
    if (m.txId !== undefined && m.op !== 'begin') {
      const tx = transactions.get(m.txId);
      if (!tx) {
        reply(errorReply(m.id, new Error(`transaction ${m.txId} is not open`)));
        return;
      }
      tx.queue.push(m);
      tx.wake?.();
      return;
    }
    switch (m.op) {
      case 'begin':
        void openTransaction(db, m);
        return;
      case 'close':
        db.close().then(
          () => reply({ id: m.id, rows: null }),
          (err: unknown) => reply(errorReply(m.id, err)),
        );
        return;
      default:
        run(db, m).then(
          (rows) => reply({ id: m.id, rows }),
          (err: unknown) => reply(errorReply(m.id, err)),
        );
    }
  });
}

void main();
