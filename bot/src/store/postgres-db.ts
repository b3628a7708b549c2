import pg from 'pg';
import type { Db, Sql } from './db.js';

// Counts and sequence numbers (bigint) come back as numbers; they stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openPostgres(connectionString: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle connection the server ends (a restart, a failover, an administrator) is reported here: without a
  // listener the pool would throw it and end the process. The pool has already dropped that connection, and the
  // next query opens a new one, so there is nothing more to do.
  pool.on('error', () => undefined);
  // Fail at start, with the server's own message, rather than on the first request.
  await pool.query('select 1');
  const wrap = (c: pg.Pool | pg.PoolClient): Sql => ({
    async query<Row>(text: string, params?: unknown[]) {
      const result = await c.query(text, params as unknown[]);
      return result.rows as Row[];
    },
    async exec(script: string) {
      await c.query(script);
    },
  });
  return {
    backend: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [key]);
        try {
          return await fn(wrap(client));
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
