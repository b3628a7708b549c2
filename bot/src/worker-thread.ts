import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on the module `name` (without extension) beside `here` (the caller's `import.meta.url`).
 * The compiled server (`bot/dist`, what `npm start` runs) loads `name.js` directly; under tsx or vitest the sources
 * are TypeScript, so the thread registers tsx first and then loads `name.ts`.
 */
export function startModuleWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  const ts = new URL(here).pathname.endsWith('.ts');
  const entry = new URL(`./${name}${ts ? '.ts' : '.js'}`, here);
  if (!fs.existsSync(entry)) throw new Error(`worker entry missing: ${entry.pathname}`);
  if (!ts) return new Worker(entry, options);
  return new Worker(
    `import(${JSON.stringify(tsxEsmApi())})` +
      `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
    { ...options, eval: true },
  );
}

/** tsx's ES-module API (its `import` export; require.resolve finds the CommonJS one beside it). */
function tsxEsmApi(): string {
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
}

/**
 * Runs the calling thread below the request thread. Linux keeps a nice value per thread, and `os.setPriority` without
 * a process id sets the calling thread's. Hunting's threads call it: on a machine with fewer cores than busy threads,
 * a table build or a long query then takes the time the request thread leaves, instead of sharing the cores with it
 * evenly while webhook calls and the agent list wait. The query threads run at `PRIORITY_BELOW_NORMAL` (10) and the
 * table builder lower still (`PRIORITY_LOW`, 19): a person waits for a query, while a build answers later queries
 * (after a change, or a restart on changed data, earlier tables answer meanwhile). Where the system refuses, the
 * thread runs at normal priority, as before.
 */
export function runBelowRequestThread(priority: number = os.constants.priority.PRIORITY_BELOW_NORMAL): void {
  try {
    os.setPriority(priority);
  } catch {
    // Not allowed here (a sandbox without setpriority): normal priority.
  }
}

let gc: (() => void) | null = null;

/**
 * A full collection of the calling thread's heap, for a thread that has just let go of a large structure (a table
 * version) and will not allocate enough soon for V8 to collect it on its own: what it held is returned to the system
 * now rather than at some later collection. Node gives the collector to a flag only; it is set here, once, when
 * first needed (the flag is the process's; each thread makes its own context to reach the collector).
 */
export function collectGarbage(): void {
  try {
    if (!gc) {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    }
    gc();
  } catch {
    // Without it, what was let go goes at the next full collection.
  }
}
