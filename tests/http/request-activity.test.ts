import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestActivity } from '../../bot/src/http/request-activity.js';

describe('request activity (what background work waits for)', () => {
  let server: http.Server;
  let activity: RequestActivity;
  let url: string;
  /** Responses held open by the test until it ends them. */
  const held: http.ServerResponse[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    activity = new RequestActivity(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of held) res.end();
    await new Promise((resolve) => server.close(resolve));
  });

  const timed = async (wait: Promise<void>) => {
    const started = performance.now();
    await wait;
    return performance.now() - started;
  };

  it('waits at least the time asked, then only until the server has been idle that long', async () => {
    const ms = await timed(activity.quiet({ atLeastMs: 30, idleMs: 10, atMostMs: 2000 }));
    expect(ms).toBeGreaterThanOrEqual(29);
    expect(ms).toBeLessThan(1000);
  });

  it('waits while a request is in progress, and gives up at atMostMs', async () => {
    const pending = fetch(`${url}/hold`);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    const ms = await timed(activity.quiet({ atLeastMs: 0, idleMs: 10, atMostMs: 200 }));
    expect(ms).toBeGreaterThanOrEqual(195);
    held.shift()!.end('done');
    await (await pending).text();
  });

  it('goes on once the last request has ended and idleMs has passed', async () => {
    const pending = fetch(`${url}/hold`);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    setTimeout(() => held.shift()!.end('done'), 100);
    const ms = await timed(activity.quiet({ atLeastMs: 0, idleMs: 50, atMostMs: 5000 }));
    expect(ms).toBeGreaterThanOrEqual(145);
    expect(ms).toBeLessThan(2000);
    await (await pending).text();
  });

  it('returns at once when aborted', async () => {
    const pending = fetch(`${url}/hold`);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const ms = await timed(activity.quiet({ atLeastMs: 0, idleMs: 10, atMostMs: 5000, signal: abort.signal }));
    expect(ms).toBeLessThan(1000);
    held.shift()!.end('done');
    await (await pending).text();
  });
});
