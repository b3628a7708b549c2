import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { Db, Sql } from './db.js';
import { PREPARED_CLUSTER, copyPreparedCluster } from './pglite-cluster.js';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process. One connection, so transactions serialize.
 * A new data directory starts as a copy of the cluster the build prepared (`prepared`), when there is one.
 */
export async function openPglite(dataDir: string | null, prepared: string | null = PREPARED_CLUSTER): Promise<Db> {
  if (dataDir && !copyPreparedCluster(dataDir, prepared)) fs.mkdirSync(dataDir, { recursive: true });
  // pg_trgm: the agent search index (migration 005).
  const options = { extensions: { pg_trgm } };
  const pg = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await pg.waitReady;
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<Row>(text: string, params?: unknown[]) {
      const result = await q.query<Row>(text, params);
      return result.rows;
    },
    async exec(script: string) {
      await q.exec(script);
    },
  });
  const root = wrap(pg);
  return {
    backend: 'pglite',
    query: root.query,
    exec: root.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    // A single in-process connection cannot race itself; the lock is still taken so the SQL is the same.
    async withAdvisoryLock(key, fn) {
      await pg.query('select pg_advisory_lock($1)', [key]);
      try {
        return await fn(root);
      } finally {
        await pg.query('select pg_advisory_unlock($1)', [key]);
      }
    },
    close: () => pg.close(),
  };
}
