import path from 'node:path';
import type { Db } from './db.js';
import { openDb } from './db.js';
import { preparePrivateDataDir, restrictToOwner } from './data-dir.js';
import { migrate } from './migrate.js';

export interface DatabaseSettings {
  /** DATA_DIR: PGlite's files (unless `databaseUrl`) and the local signing key live here. */
  dataDir: string;
  /** PostgreSQL; null runs PGlite under DATA_DIR. */
  databaseUrl: string | null;
  /** Tests: PGlite in memory, nothing written under DATA_DIR. */
  inMemory?: boolean;
}

export interface OpenedDatabase {
  db: Db;
  /** PGlite's data directory (its files' modes are taken back to owner only on close); null otherwise. */
  pgliteDir: string | null;
  /** What the start found worth a warning (a DATA_DIR others can read). */
  warnings: string[];
}

/**
 * The store's database, opened and migrated: DATA_DIR made private first, then PGlite (or PostgreSQL). It needs
 * nothing but the settings, so the composition root starts it before it loads the rest of the server: on a first
 * start the two take about as long, and run side by side.
 */
export async function openDatabase(settings: DatabaseSettings): Promise<OpenedDatabase> {
  const warnings: string[] = [];
  if (!settings.inMemory) {
    const { warning } = await preparePrivateDataDir(settings.dataDir);
    if (warning) warnings.push(warning);
  }
  const pgliteDir = !settings.inMemory && !settings.databaseUrl ? path.join(settings.dataDir, 'pglite') : null;
  const db = await openDb({ databaseUrl: settings.databaseUrl, dataDir: pgliteDir });
  try {
    await migrate(db);
    if (pgliteDir) await restrictToOwner(pgliteDir);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { db, pgliteDir, warnings };
}
