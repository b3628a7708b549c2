// A first start on PGlite loads the cluster the build prepared instead of running initdb: the data directory it
// leaves is a working database that migrates, keeps its rows across a reopen, and is never overwritten later.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../bot/src/store/migrate.js';
import { initializedCluster, writeInitializedCluster } from '../../bot/src/store/pglite-cluster.js';
import { openPglite } from '../../bot/src/store/pglite-db.js';

let work: string;
let tarball: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-pglite-cluster-'));
  tarball = path.join(work, 'pglite-cluster.tar');
  await writeInitializedCluster(tarball);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the prepared PGlite cluster', () => {
  it('is loaded into a new data directory, which then migrates and keeps its rows across a reopen', async () => {
    const dataDir = path.join(work, 'fresh');
    expect(initializedCluster(dataDir, tarball).loadDataDir).toBeInstanceOf(Blob);
    const db = await openPglite(dataDir, tarball);
    await migrate(db);
    await db.query(`insert into meta (key, value) values ('probe', '"kept"')`);
    await db.close();

    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(initializedCluster(dataDir, tarball)).toEqual({}); // an existing cluster is never replaced
    const again = await openPglite(dataDir, tarball);
    expect(await again.query(`select value from meta where key = 'probe'`)).toEqual([{ value: 'kept' }]);
    await again.close();
  });

  it('is not used when there is none: PGlite runs initdb as before', async () => {
    expect(initializedCluster(path.join(work, 'other'), path.join(work, 'missing.tar'))).toEqual({});
    const db = await openPglite(path.join(work, 'other'), path.join(work, 'missing.tar'));
    expect(await db.query('select 1 as ok')).toEqual([{ ok: 1 }]);
    await db.close();
  });
});
