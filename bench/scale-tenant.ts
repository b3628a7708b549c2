// The 100,000-agent tenant of `npm run bench -- scale`, seeded once per backend and kept between runs:
// a PGlite data directory under .bench-cache/ and a PostgreSQL database named after the same key.
// Each is seeded under a temporary name and renamed only when the seed finished, so an interrupted
// seed is never mistaken for a finished one. The key changes when the seed's code does.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ROOT, seedTenant } from './bench-support.js';

/** The files whose content decides what the seed writes. */
const SEED_SOURCES = [
  'bot/scripts/seed.ts',
  'bot/src/tenant/embedded/tenant-seed.ts',
  'bot/scripts/synthetic-tenant.ts',
  'bot/src/tenant/embedded/seed-loader.ts',
];

export interface CachedTenant {
  /** The server's environment for this backend (DATA_DIR, and DATABASE_URL for PostgreSQL). */
  env: Record<string, string>;
  /** Whether this run seeded it (false: taken from the cache). */
  seeded: boolean;
  seedMs: number;
}

export function tenantKey(agents: number): string {
  const hash = createHash('sha256');
  for (const file of SEED_SOURCES) hash.update(fs.readFileSync(path.join(ROOT, file)));
  return `${agents}_${hash.digest('hex').slice(0, 10)}`;
}

export async function cachedPgliteTenant(agents: number): Promise<CachedTenant> {
  const dir = path.join(ROOT, '.bench-cache', `scale_${tenantKey(agents)}`);
  if (fs.existsSync(dir)) return { env: { DATA_DIR: dir }, seeded: false, seedMs: 0 };
  const loading = `${dir}.loading`;
  fs.rmSync(loading, { recursive: true, force: true });
  fs.mkdirSync(loading, { recursive: true });
  const started = performance.now();
  seedTenant({ DATA_DIR: loading }, agents);
  const seedMs = performance.now() - started;
  fs.renameSync(loading, dir);
  return { env: { DATA_DIR: dir }, seeded: true, seedMs };
}

/** null when no PostgreSQL answers on TEST_DATABASE_URL (or the local default). */
export async function cachedPostgresTenant(agents: number): Promise<CachedTenant | null> {
  const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `aw_scale_${tenantKey(agents)}`;
  const urlOf = (db: string) => Object.assign(new URL(admin), { pathname: `/${db}` }).toString();
  const dataDir = path.join(ROOT, '.bench-cache', `${name}_pg_data`);
  fs.mkdirSync(dataDir, { recursive: true });
  const env = { DATA_DIR: dataDir, DATABASE_URL: urlOf(name) };
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch {
    return null;
  }
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return { env, seeded: false, seedMs: 0 };
    const loading = `${name}_loading`;
    await client.query(`drop database if exists ${loading} with (force)`);
    await client.query(`create database ${loading}`);
    const started = performance.now();
    seedTenant({ DATA_DIR: dataDir, DATABASE_URL: urlOf(loading) }, agents);
    const seedMs = performance.now() - started;
    await client.query(`alter database ${loading} rename to ${name}`);
    return { env, seeded: true, seedMs };
  } finally {
    await client.end();
  }
}
