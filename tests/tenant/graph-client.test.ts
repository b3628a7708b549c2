import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraph, GRAPH_APP, GRAPH_TENANT } from '../fakes/fake-graph.js';
import {
  ClientCredentialsTokens,
  GraphConnection,
  RollingWindowLimiter,
} from '../../bot/src/tenant/graph/graph-client.js';
import { UpstreamError } from '../../bot/src/domain/errors.js';

// The Graph connection on its own: Entra's client-credentials token endpoint, the token cache, error bodies,
// nextLink paging, and the per-minute budget on the security resources (checked with a clock of its own).

describe('Graph connection', () => {
  let fake: FakeGraph;
  beforeAll(async () => {
    fake = await new FakeGraph({ tenantId: GRAPH_TENANT, ...GRAPH_APP, pageSize: 2 }).start();
  });
  afterAll(async () => fake?.stop());

  const settings = () => ({ tenantId: GRAPH_TENANT, ...GRAPH_APP, baseUrl: fake.url, loginUrl: fake.url });

  it('gets a token by client credentials and keeps it until shortly before it expires', async () => {
    let now = 1_000_000;
    const tokens = new ClientCredentialsTokens(settings(), () => now);
    const first = await tokens.get();
    expect(fake.tokensIssued).toContain(first);
    expect(await tokens.get()).toBe(first);
    now += 3000 * 1000;
    expect(await tokens.get()).toBe(first);
    // expires_in 3599: renewed a minute early.
    now += 540 * 1000;
    const second = await tokens.get();
    expect(second).not.toBe(first);
    expect(tokens.fetched).toBe(2);
  });

  it("reports Entra's refusal of the credentials with its error code", async () => {
    const tokens = new ClientCredentialsTokens({ ...settings(), clientSecret: 'wrong' });
    const error = await tokens.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      service: 'Entra ID',
      upstreamStatus: 401,
      upstreamCode: 'invalid_client',
      status: 502,
    });
    expect((error as Error).message).toContain('AADSTS7000215');
  });

  it("sends a person's delegated token instead of the app's, on the retry of a throttled call too", async () => {
    fake.teamsApps.set('app-d', [{ id: 'd-1', version: '1.0.0', publishingState: 'submitted', etag: 'W/"d"' }]);
    fake.teamsAdmins.add('oid-adele');
    const delegated = fake.issueDelegatedToken({ oid: 'oid-adele', upn: 'adele@zava.example' }, [
      'AppCatalog.ReadWrite.All',
    ]);
    fake.fail('PATCH', /appDefinitions\/d-1$/, {
      status: 429,
      code: 'TooManyRequests',
      message: 'slow',
      retryAfter: 0,
    });
    const graph = new GraphConnection(settings());
    await graph.patch(
      '/appCatalogs/teamsApps/app-d/appDefinitions/d-1',
      { publishingState: 'published' },
      { delegatedToken: delegated, headers: { 'If-Match': 'W/"d"' } },
    );
    const patches = fake.calls('PATCH', '/v1.0/appCatalogs/teamsApps/app-d/appDefinitions/d-1');
    expect(patches).toHaveLength(2);
    expect(patches.map((p) => p.token)).toEqual([delegated, delegated]);
    expect(fake.teamsApps.get('app-d')![0]!.publishingState).toBe('published');
    // The app's own token was never fetched for it, and the next plain call still uses the app's.
    expect(graph.tokens.fetched).toBe(0);
    await graph.get('/users/nobody').catch(() => undefined);
    expect(fake.requests.at(-1)!.caller).toMatchObject({ kind: 'app' });
  });

  it('follows @odata.nextLink through every page', async () => {
    for (let i = 0; i < 5; i++) {
      fake.packages.set(`p${i}`, { id: `p${i}`, displayName: `P${i}`, isBlocked: false });
    }
    const graph = new GraphConnection(settings());
    const pages: string[][] = [];
    for await (const page of graph.pages<{ id: string }>('/copilot/admin/catalog/packages')) {
      pages.push(page.map((p) => p.id));
    }
    expect(pages).toEqual([['p0', 'p1'], ['p2', 'p3'], ['p4']]);
  });

  it("turns Graph's error body into an UpstreamError with Graph's code and message", async () => {
    const graph = new GraphConnection(settings());
    const error = await graph.post('/users/nobody/revokeSignInSessions', undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ upstreamStatus: 404, upstreamCode: 'Request_ResourceNotFound' });
    expect((error as Error).message).toContain("Resource 'nobody' does not exist");
  });

  it('reports an unreachable Graph as an UpstreamError, not a crash', async () => {
    const graph = new GraphConnection({ ...settings(), baseUrl: 'http://127.0.0.1:1' });
    const error = await graph.get('/users/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ upstreamCode: 'unreachable', status: 502 });
  });

  it('holds requests to a rolling per-minute budget', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new RollingWindowLimiter(
      3,
      60_000,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 3; i++) await limiter.take();
    expect(waits).toEqual([]);
    now = 10_000;
    await limiter.take();
    expect(waits).toEqual([50_000]);
    // Three were sent at 0, one at 60,000: the next two fit once those at 0 have aged out (they have).
    await limiter.take();
    await limiter.take();
    expect(waits).toEqual([50_000]);
    await limiter.take();
    expect(waits).toEqual([50_000, 60_000]);
  });
});
