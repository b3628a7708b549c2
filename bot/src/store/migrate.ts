import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
/** Arbitrary but fixed: every Agent Warden instance on a database takes the same lock. */
const MIGRATION_LOCK = 727_274_101;

export interface MigrationResult {
  applied: string[];
  total: number;
}

/**
 * Applies the numbered SQL files in migrations/ that are not yet recorded, each in its own
 * transaction, holding an advisory lock so that instances starting together take turns.
 */
export async function migrate(db: Db): Promise<MigrationResult> {
  const files = (await fs.readdir(MIGRATIONS_DIR)).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  return db.withAdvisoryLock(MIGRATION_LOCK, async (session) => {
    await session.query(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await session.query<{ name: string }>('select name from schema_migrations')).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await fs.readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
      await session.query('begin');
      try {
        await session.exec(sql);
        await session.query('insert into schema_migrations (name) values ($1)', [file]);
        await session.query('commit');
      } catch (err) {
        await session.query('rollback');
        throw new Error(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
    return { applied, total: files.length };
  });
}
