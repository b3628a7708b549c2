// `npm start` as a person runs it (scripts/start.mjs, PLAYGROUND=0, a fresh data directory): it runs the compiled
// server from bot/dist (built by `npm run build`, or by start.mjs itself when the sources are newer), which seeds
// Zava, serves the tab and the API, and stops cleanly on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAVA_AGENT_IDS } from '../../bot/src/tenant/embedded/zava/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let start: ChildProcess;
let url: string;
let dataDir: string;
let output = '';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The command lines of a process's children (Linux /proc). */
function childCommands(pid: number): string[][] {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  return children.map((child) => fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean));
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-npm-start-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  start = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, PLAYGROUND: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  start.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // Bounds a hang (a build may run first); it does not measure speed (`npm run bench -- api` does).
  const deadline = Date.now() + 170_000;
  for (;;) {
    if (start.exitCode !== null) throw new Error(`npm start exited with ${start.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`npm start was not ready in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  if (start && start.exitCode === null) {
    start.kill('SIGKILL');
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('runs the compiled server, not its TypeScript', () => {
    const [server] = childCommands(start.pid!);
    expect(server).toEqual([process.execPath, path.join(ROOT, 'bot', 'dist', 'index.js')]);
  });

  it('serves the tab, and the API on the seeded Zava tenant', async () => {
    const tab = await fetch(`${url}/`);
    expect(tab.status).toBe(200);
    expect(await tab.text()).toContain('<div id="root">');
    const res = await fetch(`${url}/api/v1/agents/${ZAVA_AGENT_IDS.customerBillingAgent}`, {
      headers: { 'x-dev-user': 'megan@zava.example' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agent: { name: string } };
    expect(body.agent.name).toBe('Customer Billing Agent');
  });

  it('hunts in its worker threads, compiled like the rest of the server', async () => {
    // The query threads load the compiled worker; a thread started on the TypeScript source answered every hunt 500.
    const res = await fetch(`${url}/api/v1/hunting/run`, {
      method: 'POST',
      headers: { 'x-dev-user': 'megan@zava.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'AgentsInfo | where AgentName == "Customer Billing Agent" | distinct AgentName' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { AgentName: string }[] };
    expect(body.results.map((r) => r.AgentName)).toEqual(['Customer Billing Agent']);
  });

  it('stops cleanly on SIGTERM, its server with it', async () => {
    const [server] = fs.readFileSync(`/proc/${start.pid}/task/${start.pid}/children`, 'utf8').trim().split(/\s+/);
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.existsSync(`/proc/${server}`)).toBe(false);
  });
});
