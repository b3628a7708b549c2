import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SERVER_BUILD, buildServer, serverBuildIsStale } from '../scripts/build-server.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function summarize(samples: number[]): { p50: number; p95: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
}

/** PostgreSQL for benches: a fresh database on TEST_DATABASE_URL's server (or the local default), if one answers. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `aw_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query(`create database ${name}`);
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  startMs: number;
  /** CPU time (user + system) the server process spent until /readyz answered: steadier than startMs on a busy machine. */
  startCpuMs: number;
  stop(): Promise<void>;
}

/** How the server runs: compiled JavaScript as `npm start` runs it, or its TypeScript through tsx as tests and `npm run dev` do. */
export type ServerRunner = 'compiled' | 'tsx';

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'warden-bench-'));
}

/** `npm run seed` into a data dir / database: a deterministic synthetic tenant of N agents. */
export function seedTenant(env: Record<string, string>, agents: number): void {
  const r = spawnSync(TSX, [path.join(ROOT, 'bot/scripts/seed.ts'), '--agents', String(agents), '--seed', '7'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`seed failed: ${r.stderr || r.stdout}`);
}

/** `npm run build:server` when the compiled server is older than its sources. */
export function ensureServerBuilt(): void {
  if (serverBuildIsStale() && buildServer() !== 0) throw new Error('the server did not compile (npm run build:server)');
}

/** Starts the real server as its own process, compiled as `npm start` runs it unless told otherwise, and waits for /readyz. */
export async function startServer(
  env: Record<string, string>,
  runner: ServerRunner = 'compiled',
  readyWithinMs = 120_000,
): Promise<RunningServer> {
  if (runner === 'compiled') ensureServerBuilt();
  // Below Linux's ephemeral range (32768 up): a port chosen in it was once already taken (EADDRINUSE, scale bench).
  const port = 20000 + Math.floor(Math.random() * 12000);
  // tsx as a loader of this one process (its CLI would start a second one), so the CPU time is the server's.
  const args =
    runner === 'compiled'
      ? [path.join(SERVER_BUILD, 'index.js')]
      : ['--import', 'tsx', path.join(ROOT, 'bot/src/index.ts')];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', PLAYGROUND: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > readyWithinMs) {
      child.kill('SIGKILL');
      throw new Error(`server did not become ready in ${readyWithinMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const startMs = performance.now() - started;
  return {
    url,
    child,
    startMs,
    startCpuMs: processCpuMs(child.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU time a process has used so far, from /proc (Linux); NaN where there is none. */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}
/** USER_HZ: 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Sequential requests, each timed: precise p50/p99 (autocannon rounds to whole milliseconds). */
export async function timeRequests(count: number, request: (i: number) => Promise<Response>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await request(i);
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`request ${i} answered ${res.status}`);
    samples.push(performance.now() - t);
  }
  return samples;
}

/**
 * Resident memory of the server, in bytes, from /proc (Linux): the largest process of the tree
 * under `pid`, because the bench starts the server under tsx, which runs node as a child. null
 * where /proc is not there.
 */
export function serverResidentBytes(pid: number): number | null {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };
  const status = read(`/proc/${pid}/status`);
  if (status === null) return null;
  let largest = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    for (const child of (read(`/proc/${pid}/task/${task}/children`) ?? '').split(' ').filter(Boolean)) {
      largest = Math.max(largest, serverResidentBytes(Number(child)) ?? 0);
    }
  }
  return largest;
}

/** CPU seconds the server process (and the processes it started) used so far, from /proc; null when gone. */
export function serverCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th (clock ticks of 10 ms).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let seconds = (Number(fields[11]) + Number(fields[12])) / 100;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    let children: string;
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean)) seconds += serverCpuSeconds(Number(child)) ?? 0;
  }
  return seconds;
}
