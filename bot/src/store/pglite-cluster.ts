import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * A fresh PGlite cluster, made once by `npm run build:server` (initdb in WebAssembly costs seconds of CPU) and
 * loaded into a new data directory on a first start instead of running initdb again. It sits beside the compiled
 * store (bot/dist/store/); run from TypeScript (tests, `npm run dev`) there is none and PGlite runs initdb.
 */
export const CLUSTER_TARBALL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pglite-cluster.tar');

/** PGlite's option to load the prepared cluster: only into a data directory that holds none yet. */
export function initializedCluster(dataDir: string, tarball: string = CLUSTER_TARBALL): { loadDataDir?: Blob } {
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION')) || !fs.existsSync(tarball)) return {};
  return { loadDataDir: new Blob([fs.readFileSync(tarball)]) };
}

/** Runs initdb once (in memory) and writes the cluster as an uncompressed tarball, which loads fastest. */
export async function writeInitializedCluster(tarball: string): Promise<void> {
  const pg = new PGlite();
  try {
    await pg.waitReady;
    const dump = await pg.dumpDataDir('none');
    fs.writeFileSync(tarball, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await pg.close();
  }
}
