// PostgreSQL ends idle connections on a restart, a failover or an administrator's command: the server must carry on
// with new connections rather than die of the pool's unhandled 'error' event.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../bot/src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/test-db.js';

describe.runIf(process.env.TEST_DATABASE_URL)('PostgreSQL connections ended by the server', () => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    db = await database.open();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('answers the next query after every idle connection was terminated', async () => {
    await Promise.all(Array.from({ length: 4 }, () => db.query('select pg_sleep(0.05)')));
    const name = new URL(database.url!).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    try {
      const ended = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Give the pool time to see the ended connections (their 'error' events arrive now).
    await new Promise((r) => setTimeout(r, 200));
    const rows = await db.query<{ one: number }>('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
