import fs from 'node:fs';
import { restrictToOwner } from './data-dir.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite-db.js';

/**
 * Writes the prepared cluster (`pglite-cluster.ts`) to `target`: a new PGlite data directory, migrated, closed.
 * Built in a staging directory and renamed into place, so `target` is either the old cluster or the whole new one.
 */
export async function writePreparedCluster(target: string): Promise<void> {
  const staging = `${target}.building-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const db = await openPglite(staging, null);
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  await restrictToOwner(staging); // the copies keep these modes: a new data directory is private from its first file
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
}
