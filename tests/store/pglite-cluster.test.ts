// A first start on PGlite copies the migrated cluster the build prepared instead of running initdb and the
// migrations: the data directory it leaves is a working, migrated database that keeps its rows across a reopen,
// and a directory that already holds anything is never overwritten.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../bot/src/store/migrate.js';
import { copyPreparedCluster } from '../../bot/src/store/pglite-cluster.js';
import { openPglite } from '../../bot/src/store/pglite-db.js';
import { writePreparedCluster } from '../../bot/src/store/prepare-cluster.js';

let work: string;
let prepared: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-pglite-cluster-'));
  prepared = path.join(work, 'prepared');
  await writePreparedCluster(prepared);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the prepared PGlite cluster', () => {
  it('is copied into a new data directory already migrated, and keeps its rows across a reopen', async () => {
    const dataDir = path.join(work, 'fresh');
    const db = await openPglite(dataDir, prepared);
    expect(await migrate(db)).toMatchObject({ applied: [] }); // nothing left to apply
    await db.query(`insert into meta (key, value) values ('probe', '"kept"')`);
    await db.close();

    expect(copyPreparedCluster(dataDir, prepared)).toBe(false); // an existing cluster is never replaced
    const again = await openPglite(dataDir, prepared);
    expect(await again.query(`select value from meta where key = 'probe'`)).toEqual([{ value: 'kept' }]);
    await again.close();
    expect(fs.readdirSync(work).filter((f) => f.includes('.preparing-'))).toEqual([]);
  });

  it('is copied into an empty directory but never over one that holds anything', () => {
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    expect(copyPreparedCluster(empty, prepared)).toBe(true);
    expect(fs.existsSync(path.join(empty, 'PG_VERSION'))).toBe(true);
    // Private from its first file: owner only, like everything under DATA_DIR.
    expect(fs.statSync(path.join(empty, 'PG_VERSION')).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(empty, 'base')).mode & 0o077).toBe(0);

    const other = path.join(work, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'notes.txt'), 'mine');
    expect(copyPreparedCluster(other, prepared)).toBe(false);
    expect(fs.readdirSync(other)).toEqual(['notes.txt']);
  });

  it('clears the half copy a start killed halfway left behind, and keeps a running one', () => {
    const dataDir = path.join(work, 'after-kill');
    const abandoned = `${dataDir}.preparing-999999999`; // no such process
    const running = `${dataDir}.preparing-${process.ppid}`; // the process that ran this one is alive
    fs.mkdirSync(abandoned);
    fs.mkdirSync(running);
    expect(copyPreparedCluster(dataDir, prepared)).toBe(true);
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(running)).toBe(true);
    fs.rmSync(running, { recursive: true });
  });

  it('is not used when there is none: PGlite runs initdb as before', async () => {
    const dataDir = path.join(work, 'initdb');
    expect(copyPreparedCluster(dataDir, path.join(work, 'missing'))).toBe(false);
    const db = await openPglite(dataDir, path.join(work, 'missing'));
    expect(await db.query('select 1 as ok')).toEqual([{ ok: 1 }]);
    expect((await migrate(db)).applied.length).toBeGreaterThan(0);
    await db.close();
  });
});
