// A client that sends its body a byte at a time is cut off; a stranger's body is never read.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Sends headers, then one body byte every `everyMs`; resolves with what the server wrote and when it closed. */
function trickle(url: string, head: string, everyMs: number): Promise<{ answer: string; afterMs: number }> {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => socket.writable && socket.write(' '), everyMs);
    });
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, afterMs: Date.now() - started });
    });
  });
}

describe('slow and unknown clients', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', {}, { httpTimeouts: { requestMs: 2_000 } });
  });
  afterAll(async () => server?.close(), 180_000);

  it.each([
    ['the REST API', `/api/v1/agents/${ZAVA_IDS.customerBillingAgent}/block`, 'x-dev-user: adele@zava.example\r\n'],
    ['the webhook', '/api/threat-detection/analyze-tool-execution?api-version=2025-05-01', ''],
  ])('cuts off a body trickling into %s with 408', async (_name, path, extra) => {
    const head =
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      `content-length: 100000\r\n${extra}\r\n{`;
    const { answer, afterMs } = await trickle(server.url, head, 200);
    // The webhook may refuse the missing token first; either way the trickle ends in 408 and a closed socket.
    expect(answer).toMatch(/HTTP\/1\.1 408 Request Timeout/);
    // In the API's error shape, like every other refusal.
    const timeout = answer.slice(answer.lastIndexOf('HTTP/1.1 408'));
    expect(JSON.parse(timeout.slice(timeout.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'request_timeout', message: 'the request did not arrive in time' },
    });
    // Not a timing assertion on the server's speed: only that the connection did not stay open for good.
    expect(afterMs).toBeLessThan(25_000);
  });

  it('answers malformed HTTP with 400 in the API shape', async () => {
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), hostname, () =>
        socket.write('GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n'),
      );
      let got = '';
      socket.on('data', (chunk) => (got += chunk.toString('utf8')));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(got));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(answer).toContain('{"error":{"code":"bad_request","message":"malformed HTTP request"}}');
  });

  it("answers a stranger's malformed 1 MB body 401, not 400: who is asking is settled first", async () => {
    const res = await fetch(`${server.url}/api/v1/agents/${ZAVA_IDS.customerBillingAgent}/block`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dev-user': 'mallory@evil.example' },
      body: '{' + 'x'.repeat(1_000_000),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const anonymous = await fetch(`${server.url}/api/v1/hunting/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[[[',
    });
    expect(anonymous.status).toBe(401);
  });
});
