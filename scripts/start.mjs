// `npm start`: build the tab and the server when their sources are newer than their builds, then run the
// compiled server (which prints its URLs and, unless PLAYGROUND=0, starts the Microsoft 365 Agents Playground).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, SERVER_BUILD, buildServer, newestMtime, serverBuildIsStale } from './build-server.mjs';

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);

const built = path.join(ROOT, 'dist', 'index.html');
const sources = Math.max(newestMtime(path.join(ROOT, 'src')), fs.statSync(path.join(ROOT, 'index.html')).mtimeMs);
if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sources) {
  console.log('Building the tab (vite build)...');
  const result = spawnSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  const compressed = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'precompress.mjs')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (compressed.status !== 0) process.exit(compressed.status ?? 1);
}

if (serverBuildIsStale()) {
  console.log('Building the server (tsc)...');
  const status = buildServer();
  if (status !== 0) process.exit(status);
}

const server = spawn(process.execPath, [path.join(SERVER_BUILD, 'index.js')], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
