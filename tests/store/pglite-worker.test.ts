import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../bot/src/store/db.js';
import { openDb } from '../../bot/src/store/db.js';

// PGlite in its worker thread (the server's default with a data directory) behaves as the in-process
// one: rows keep their types, transactions commit or roll back, errors keep PostgreSQL's code, and
// what was committed is there after a reopen.

describe('PGlite in a worker thread', () => {
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-pglite-worker-'));
    db = await openDb({ databaseUrl: null, dataDir: dir, pgliteWorker: true });
    await db.exec('create table t (id int primary key, at timestamptz, doc jsonb, tags text[])');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers queries with typed rows', async () => {
    const at = new Date('2026-12-05T05:00:00.000Z');
    await db.query('insert into t values ($1, $2, $3, $4)', [1, at.toISOString(), { a: [1, 'x'] }, ['p', 'q']]);
    const [row] = await db.query<{ id: number; at: Date; doc: unknown; tags: string[] }>(
      'select * from t where id = 1',
    );
    expect(row).toEqual({ id: 1, at, doc: { a: [1, 'x'] }, tags: ['p', 'q'] });
  });

  it('commits a transaction, and rolls one back when its function throws', async () => {
    await db.transaction(async (tx) => {
      await tx.query('insert into t (id) values (2)');
      await tx.query('insert into t (id) values (3)');
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('insert into t (id) values (4)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const ids = await db.query<{ id: number }>('select id from t order by id');
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it("keeps PostgreSQL's error code, and serializes concurrent transactions", async () => {
    const err = await db.query('insert into t (id) values (1)').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: string }).code).toBe('23505');
    await Promise.all(
      [10, 20, 30].map((base) =>
        db.transaction(async (tx) => {
          const [row] = await tx.query<{ n: number }>('select count(*)::int as n from t');
          await tx.query('insert into t (id) values ($1)', [base + row!.n]);
        }),
      ),
    );
    const rows = await db.query<{ n: number }>('select count(*)::int as n from t');
    expect(rows[0]!.n).toBe(6);
  });

  it('keeps what was committed across a reopen', async () => {
    await db.close();
    db = await openDb({ databaseUrl: null, dataDir: dir, pgliteWorker: true });
    const ids = await db.query<{ id: number }>('select id from t order by id');
    expect(ids.length).toBe(6);
  }, 120_000);
});
