import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../bot/src/store/db.js';
import { openDb } from '../../bot/src/store/db.js';

/** The store backends tests run on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const BACKENDS: { name: 'pglite' | 'postgres'; enabled: boolean }[] = [
  { name: 'pglite', enabled: true },
  { name: 'postgres', enabled: Boolean(process.env.TEST_DATABASE_URL) },
];

export interface TestDatabase {
  /** null for PGlite (in memory). */
  url: string | null;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

/** A fresh, empty database: in-memory PGlite, or a new PostgreSQL database dropped afterwards. */
export async function createTestDatabase(backend: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (backend === 'pglite') {
    return { url: null, open: () => openDb({ databaseUrl: null, dataDir: null }), drop: async () => undefined };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `aw_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const opened: Db[] = [];
  return {
    url: url.toString(),
    async open() {
      const db = await openDb({ databaseUrl: url.toString(), dataDir: null });
      opened.push(db);
      return db;
    },
    async drop() {
      await Promise.all(opened.map((db) => db.close().catch(() => undefined)));
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
