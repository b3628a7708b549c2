import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benignCall } from '../../bot/scripts/zava-attack.js';
import { loadLocalKeySet } from '../../bot/src/auth/local-key-set.js';
import { EMBEDDED_CALLER_APP_ID, EMBEDDED_WEBHOOK_AUDIENCE } from '../../bot/src/config.js';
import { openDb } from '../../bot/src/store/db.js';
import { WEBHOOK_API_VERSION } from '../../bot/src/protection/webhook-schema.js';
import { BACKENDS, createTestDatabase } from '../support/test-db.js';

// Nothing answered is lost (issue 9, item 3): the real server in a child process takes 500 calls,
// 8 at a time, and is killed with SIGKILL right after the last answer; every correlation id it
// answered must then be in the store.

const CALLS = 500;
const CONCURRENCY = 8;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function startServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'bot/src/index.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitUntilReady(url: string, token: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 150_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/threat-detection/validate?api-version=${WEBHOOK_API_VERSION}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not become ready');
}

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`durable answers (${backend.name})`, () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    it('every answered decision survives a SIGKILL right after the last answer', async () => {
      const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-durability-'));
      cleanup.push(() => fs.rm(dataDir, { recursive: true, force: true }));
      const database = await createTestDatabase(backend.name);
      cleanup.push(() => database.drop());
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      // The key set first, so that the test can sign the server's tokens.
      const keys = await loadLocalKeySet(dataDir);
      const token = await keys.sign({
        audience: EMBEDDED_WEBHOOK_AUDIENCE,
        appId: EMBEDDED_CALLER_APP_ID,
        expiresInSeconds: 3600,
      });
      const child = startServer({
        PORT: String(port),
        DATA_DIR: dataDir,
        PLAYGROUND: '0',
        LOG_LEVEL: 'error',
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      });
      cleanup.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      await waitUntilReady(url, token, child);

      const answered: string[] = [];
      let blocked = 0;
      let next = 0;
      const worker = async () => {
        while (next < CALLS) {
          const i = next++;
          const body = benignCall(new Date(), 'debra', 'customerBillingAgent', `Status of invoice INV-${20000 + i}?`)
            .body as { inputValues: Record<string, unknown> };
          // Every third call carries a NUL and a deny-listed recipient: a block with alerts.
          if (i % 3 === 0) body.inputValues = { ...body.inputValues, to: `me@proton.me\u0000#${i}` };
          const correlationId = randomUUID();
          const res = await fetch(
            `${url}/api/threat-detection/analyze-tool-execution?api-version=${WEBHOOK_API_VERSION}`,
            {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json',
                'x-ms-correlation-id': correlationId,
              },
              body: JSON.stringify(body),
            },
          );
          const answer = (await res.json()) as { blockAction?: boolean };
          if (res.status === 200) {
            answered.push(correlationId);
            if (answer.blockAction) blocked++;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));

      expect(answered).toHaveLength(CALLS);
      expect(blocked).toBeGreaterThan(0);
      const db = await openDb({
        databaseUrl: database.url,
        dataDir: database.url ? null : path.join(dataDir, 'pglite'),
      });
      try {
        const rows = await db.query<{ correlation_id: string }>(
          "select data->>'correlationId' as correlation_id from events where data->>'correlationId' = any($1::text[])",
          [answered],
        );
        const found = new Set(rows.map((r) => r.correlation_id));
        expect(answered.filter((id) => !found.has(id))).toEqual([]);
      } finally {
        await db.close();
      }
    }, 300_000);
  });
}
