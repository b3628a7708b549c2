import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A PGlite data directory that `npm run build:server` prepared: initdb run and every migration applied
 * (initdb in WebAssembly and the migrations cost seconds of CPU). A first start copies it into its new data
 * directory instead of doing that work again; migrations added later still run over the copy as usual. It sits
 * beside the compiled store (bot/dist/store/); run from TypeScript (tests, `npm run dev`) there is none and PGlite
 * runs initdb. `prepare-cluster.ts` writes it.
 */
export const PREPARED_CLUSTER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pglite-cluster');

const STAGING = '.preparing-';

/** Copies that a start killed halfway left beside `dataDir` (their process is gone): 40 MB each, never used. */
function removeAbandonedCopies(dataDir: string): void {
  const parent = path.dirname(dataDir);
  const prefix = `${path.basename(dataDir)}${STAGING}`;
  for (const name of fs.readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (Number.isInteger(pid) && pid !== process.pid && processIsAlive(pid)) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `dataDir` already holds a cluster (never replaced) or anything else (never overwritten). */
function occupied(dataDir: string): boolean {
  try {
    return fs.readdirSync(dataDir).length > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Copies the prepared cluster into `dataDir` when that directory is missing or empty and a prepared cluster exists;
 * returns whether it did. The copy is made beside `dataDir` and renamed into place, so a start killed halfway
 * leaves no half cluster behind for the next one to open.
 */
export function copyPreparedCluster(dataDir: string, prepared: string | null = PREPARED_CLUSTER): boolean {
  if (!prepared || !fs.existsSync(path.join(prepared, 'PG_VERSION')) || occupied(dataDir)) return false;
  removeAbandonedCopies(dataDir);
  const staging = `${dataDir}${STAGING}${process.pid}`;
  copyTree(prepared, staging);
  fs.rmSync(dataDir, { recursive: true, force: true }); // an empty directory, checked above
  fs.renameSync(staging, dataDir);
  return true;
}

/**
 * Copies a directory tree file by file. The cluster is about 1,100 files: fs.cpSync's checks per file made it two to
 * four times slower here, and copies side by side (libuv's threads) held up the module loading that runs meanwhile.
 * The files keep their modes (owner only: the build made them so); directories are made owner only.
 */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { mode: 0o700 });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyTree(path.join(from, e.name), path.join(to, e.name));
    else fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}
