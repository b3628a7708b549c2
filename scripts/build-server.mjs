// `npm run build:server`: compiles the server (bot/src) with tsc into bot/dist, so `npm start` runs plain
// JavaScript instead of transpiling TypeScript through tsx at every start. bot/dist keeps bot/src's depth,
// so the paths the server resolves from its own file (config/, dist/, migrations) are the same in both.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCES = path.join(ROOT, 'bot', 'src');
export const SERVER_BUILD = path.join(ROOT, 'bot', 'dist');
/** Written last, after a build that succeeded: its time is the build's. */
const STAMP = path.join(SERVER_BUILD, '.built');
/** Files the server reads at run time from beside its modules (migrations, the lexical model). */
const ASSET = /\.(sql|json)$/;
// package-lock.json: a new PGlite needs its own prepared cluster; this script: a changed build rebuilds.
const CONFIGS = [
  'tsconfig.json',
  'tsconfig.server.json',
  'package.json',
  'package-lock.json',
  'scripts/build-server.mjs',
];

/** The newest modification time under `dir` (files only, recursively). */
export function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when bot/dist is missing or older than a server source or the compiler settings. */
export function serverBuildIsStale() {
  if (!fs.existsSync(STAMP)) return true;
  const configs = CONFIGS.map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f));
  const sources = Math.max(newestMtime(SOURCES), ...configs.map((f) => fs.statSync(f).mtimeMs));
  return fs.statSync(STAMP).mtimeMs < sources;
}

function* assets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* assets(p);
    else if (ASSET.test(entry.name)) yield p;
  }
}

/** Compiles bot/src into bot/dist and copies the files read at run time; returns tsc's exit status. */
export function buildServer() {
  fs.rmSync(STAMP, { force: true });
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-p', path.join(ROOT, 'tsconfig.server.json')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  for (const file of assets(SOURCES)) {
    const target = path.join(SERVER_BUILD, path.relative(SOURCES, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
  // A migrated PGlite cluster beside the compiled store, which a first start copies instead of running initdb and
  // the migrations (bot/src/store/pglite-cluster.ts).
  const cluster = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '--eval',
      `import { writePreparedCluster } from ${JSON.stringify(pathToFileURL(path.join(SERVER_BUILD, 'store', 'prepare-cluster.js')).href)};
import { PREPARED_CLUSTER } from ${JSON.stringify(pathToFileURL(path.join(SERVER_BUILD, 'store', 'pglite-cluster.js')).href)};
await writePreparedCluster(PREPARED_CLUSTER);`,
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (cluster.status !== 0) return cluster.status ?? 1;
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(buildServer());
}
