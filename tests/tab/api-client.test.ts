import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiRequestError, toQueryString } from '../../src/api/api-client.js';

afterEach(() => vi.unstubAllGlobals());

describe('ApiClient', () => {
  it('carries the server error body on failure', async () => {
    vi.stubGlobal('fetch', async () =>
      Response.json(
        { error: { code: 'invalid_input', message: 'line 3, column 14: unknown operator', field: 'query' } },
        { status: 400 },
      ),
    );
    const error = await new ApiClient().post('/api/v1/hunting/run', { body: { query: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    const e = error as ApiRequestError;
    expect(e.status).toBe(400);
    expect(e.message).toBe('line 3, column 14: unknown operator');
    expect(e.code).toBe('invalid_input');
    expect(e.field).toBe('query');
  });

  it('names the status when the body is not the error contract', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(new ApiClient().get('/api/v1/me')).rejects.toThrow('GET /api/v1/me failed with HTTP 502');
  });

  it('asks for fresh credentials once on 401 when told to', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const auth = new Headers(init.headers).get('authorization') ?? '';
      calls.push(auth);
      return auth === 'Bearer fresh' ? Response.json({ ok: true }) : Response.json({}, { status: 401 });
    });
    const client = new ApiClient({
      retryUnauthorized: true,
      authHeaders: async ({ refresh }) => ({ Authorization: refresh ? 'Bearer fresh' : 'Bearer stale' }),
    });
    await expect(client.get('/api/v1/me')).resolves.toEqual({ ok: true });
    expect(calls).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('builds query strings without empty values', () => {
    expect(toQueryString({ a: 'x', b: '', c: undefined, d: false, e: ['high', 'critical'], f: [], g: 5 })).toBe(
      '?a=x&e=high%2Ccritical&g=5',
    );
  });
});
