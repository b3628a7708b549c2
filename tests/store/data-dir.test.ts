import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/test-server.js';

async function* walk(dir: string): AsyncGenerator<{ file: string; mode: number; isDir: boolean }> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const mode = (await fs.stat(file)).mode & 0o777;
    yield { file, mode, isDir: entry.isDirectory() };
    if (entry.isDirectory()) yield* walk(file);
  }
}

// On disk, PGlite's first start (initdb and the Zava seed) takes tens of seconds on a busy machine.
describe('DATA_DIR on disk (PGlite and the signing key)', { timeout: 180_000 }, () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const dir of made) await fs.rm(dir, { recursive: true, force: true });
  });

  it('is 0700 with every file 0600, also after the server has written to the store', async () => {
    const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-datadir-'));
    made.push(parent);
    const dataDir = path.join(parent, 'data');
    const server = await startTestServer('pglite', { DATA_DIR: dataDir }, { inMemory: false });
    try {
      const blocked = await server
        .as('adele@zava.example')
        .post('/api/v1/agents/bulk/notify-maker', { agentIds: ['nope'], message: 'm' });
      expect(blocked.status).toBe(200);
      expect(server.warden.startupWarnings).toEqual([]);
    } finally {
      await server.close();
    }
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
    const open: string[] = [];
    let files = 0;
    for await (const { file, mode, isDir } of walk(dataDir)) {
      files += isDir ? 0 : 1;
      if (mode & 0o077) open.push(`${file} ${mode.toString(8)}`);
    }
    expect(files).toBeGreaterThan(100);
    expect(open).toEqual([]);
  });

  it('warns at start when an existing DATA_DIR is open to others', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-datadir-'));
    made.push(dataDir);
    await fs.chmod(dataDir, 0o755);
    const server = await startTestServer('pglite', { DATA_DIR: dataDir }, { inMemory: false });
    try {
      expect(server.warden.startupWarnings).toEqual([expect.stringMatching(/open to other users.*mode 755/)]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
