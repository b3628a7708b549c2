import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

// The tab's files as `npm run build` leaves them: hashed assets with .br/.gz siblings, and index.html.
describe('serving the built tab', () => {
  let server: TestServer;
  const script = 'console.log("agent warden");\n'.repeat(200);

  beforeAll(async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'warden-dist-'));
    await fs.mkdir(path.join(dir, 'assets'));
    await fs.writeFile(path.join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    await fs.writeFile(path.join(dir, 'assets', 'index-abc123.js'), script);
    await fs.writeFile(path.join(dir, 'assets', 'index-abc123.js.br'), zlib.brotliCompressSync(script));
    await fs.writeFile(path.join(dir, 'assets', 'index-abc123.js.gz'), zlib.gzipSync(script));
    await fs.writeFile(path.join(dir, 'assets', 'index-abc123.js.map'), '{"version":3,"sources":["src/App.tsx"]}');
    server = await startTestServer('pglite', {}, { staticDir: dir });
  });
  afterAll(() => server?.close());

  it('sends the precompressed asset the client accepts, cached for good under its hashed name', async () => {
    for (const [accept, encoding] of [
      ['br, gzip', 'br'],
      ['gzip', 'gzip'],
    ]) {
      const res = await fetch(`${server.url}/assets/index-abc123.js`, { headers: { 'accept-encoding': accept! } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await res.text()).toBe(script); // fetch decodes it
    }
  });

  it('revalidates index.html, also when it answers a route of the single-page app', async () => {
    for (const p of ['/', '/incidents/inc-1']) {
      const res = await fetch(server.url + p);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('keeps unknown API paths a JSON 404', async () => {
    const res = await fetch(`${server.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('never serves a source map, nor index.html in its place', async () => {
    const res = await fetch(`${server.url}/assets/index-abc123.js.map`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it.each(['/', '/agents/123', '/assets/index-abc123.js', '/api/v1/info', '/api/v1/agents', '/healthz'])(
    'sends the security headers with %s',
    async (urlPath) => {
      const res = await fetch(`${server.url}${urlPath}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
      expect(csp).toMatch(/(^|; )script-src 'self'(;|$)/);
      const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ') ?? [];
      expect(ancestors).toEqual(
        expect.arrayContaining([
          'https://teams.microsoft.com',
          'https://*.teams.microsoft.com',
          'https://*.cloud.microsoft',
          'https://*.office.com',
          'https://outlook.office.com',
        ]),
      );
    },
  );
});
