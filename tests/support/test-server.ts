import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import type { AgentWarden, AgentWardenOverrides } from '../../bot/src/app.js';
import { createAgentWarden } from '../../bot/src/app.js';
import { loadConfig } from '../../bot/src/config.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface TestServer {
  url: string;
  warden: AgentWarden;
  /** fetch as a demo identity (AUTH=dev), JSON in and out. */
  as(upn: string): ApiClient;
  close(): Promise<void>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  get<T = unknown>(path: string): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

/** The whole server over real HTTP on an ephemeral port, on a fresh PGlite or PostgreSQL database. */
export async function startTestServer(
  backend: 'pglite' | 'postgres' = 'pglite',
  env: Record<string, string> = {},
  overrides: AgentWardenOverrides = {},
): Promise<TestServer> {
  const database: TestDatabase = await createTestDatabase(backend);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-test-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PLAYGROUND: '0',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const warden = await createAgentWarden(config, { inMemory: backend === 'pglite', logger: false, ...overrides });
  await warden.http.listen({ port: 0, host: '127.0.0.1' });
  const address = warden.http.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const client = (headers: Record<string, string>): ApiClient => {
    const call = async <T>(method: string, p: string, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(url + p, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...extra },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    };
    return {
      get: (p) => call('GET', p),
      post: (p, body, extra) => call('POST', p, body, extra),
    };
  };
  return {
    url,
    warden,
    as: (upn) => client({ 'x-dev-user': upn }),
    async close() {
      await warden.close();
      await database.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
