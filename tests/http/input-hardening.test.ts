import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentSummary, Page } from '../../bot/src/contract/api.js';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MEGAN = 'megan@zava.example';
const ADELE = 'adele@zava.example';
const PRADEEP = 'pradeep@zava.example';

type ErrorBody = { error: { code: string; message: string; field?: string } };
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`hostile input over HTTP on ${backend.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(async () => server?.close());

    it.each([
      ['/api/v1/agents/abc%00def', 'params.id'],
      ['/api/v1/agents?search=a%00b', 'query.search'],
      ['/api/v1/agents?search=a%1Bb', 'query.search'],
      ['/api/v1/audit?actor=a%00b', 'query.actor'],
      ['/api/v1/incidents?userId=%7F', 'query.userId'],
      ['/api/v1/users/%00', 'params.id'],
    ])('refuses control characters in GET %s with 400 naming %s', async (path, field) => {
      const res = await server.as(MEGAN).get<ErrorBody>(path);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
    });

    it('refuses NUL, escapes and lone surrogates in bodies, naming the field; keeps line breaks', async () => {
      const id = ZAVA_IDS.customerBillingAgent;
      const cases: [string, unknown, string][] = [
        [`/api/v1/agents/${id}/notify-maker`, { message: 'hello\u0000world' }, 'body.message'],
        [`/api/v1/agents/${id}/notify-maker`, { message: 'ring \u0007' }, 'body.message'],
        [`/api/v1/agents/${id}/block`, { reason: 'half a pair \ud800' }, 'body.reason'],
        ['/api/v1/agents/bulk/notify-maker', { agentIds: [id, 'x\u0000'], message: 'm' }, 'body.agentIds.1'],
        ['/api/v1/hunting/run', { query: 'AIAgentsInfo\u0000' }, 'body.query'],
      ];
      for (const [path, body, field] of cases) {
        const res = await server.as(ADELE).post<ErrorBody>(path, body);
        expect(res.status, path).toBe(400);
        expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
      }
      const badKey = await server
        .as(ADELE)
        .post<ErrorBody>(`/api/v1/agents/${id}/block`, { 'a\u0000': 1, reason: 'r' });
      expect(badKey.status).toBe(400);
      expect(badKey.body.error.field).toBe('body.a\\u0000');
      const lines = await server
        .as(MEGAN)
        .post(`/api/v1/agents/${id}/notify-maker`, { message: 'line 1\nline 2\ttab' });
      expect(lines.status).toBe(200);
    });

    it('answers a viewer blocking a NUL id with 400, not 500', async () => {
      const res = await server.as(PRADEEP).post<ErrorBody>('/api/v1/agents/a%00b/block', { reason: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe('params.id');
    });

    it('refuses a body nested past 32 levels with 400, also where the body is ignored', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      const key = { 'Idempotency-Key': 'deep-1' };
      for (const path of [
        `/api/v1/agents/${ZAVA_IDS.customerBillingAgent}/block`,
        '/api/v1/submissions/nope/approve',
      ]) {
        const res = await server.as(ADELE).post<ErrorBody>(path, `{"reason":"r","x":${deep}}`, key);
        expect(res.status, path).toBe(400);
        expect(res.body.error.message).toMatch(/nested too deeply/);
      }
      const shallow = '['.repeat(30) + ']'.repeat(30);
      const ok = await server
        .as(ADELE)
        .post(`/api/v1/agents/${ZAVA_IDS.customerBillingAgent}/notify-maker`, `{"message":"m","x":${shallow}}`);
      expect(ok.status).toBe(200);
    });

    it.each([
      ['/api/v1/agents', ['x', 'y']],
      ['/api/v1/agents', [1e308, 'x']],
      ['/api/v1/agents', [1.5, 'x']],
      ['/api/v1/agents?sort=modified', [1, 'x']],
      ['/api/v1/agents?sort=modified', ['2026-02-30T00:00:00.000Z', 'x']],
      ['/api/v1/agents?sort=name', [7, 'x']],
      ['/api/v1/agents?sort=name', ['a\u0000', 'x']],
      ['/api/v1/agents', [5, 'x\u0000']],
      ['/api/v1/incidents', ['x', 'y']],
      ['/api/v1/incidents', [1e308, 'x']],
      ['/api/v1/incidents', ['2026-13-01T00:00:00Z', 'x']],
      ['/api/v1/audit', ['x', 'y']],
      ['/api/v1/audit', [1e308, 'x']],
      ['/api/v1/submissions', ['x', 'y']],
      ['/api/v1/submissions', [1e308, 'x']],
      ['/api/v1/submissions', { key: 1 }],
    ])('refuses a made-up cursor on %s (%j) with 400', async (path, value) => {
      const sep = path.includes('?') ? '&' : '?';
      const res = await server.as(ADELE).get<ErrorBody>(`${path}${sep}cursor=${cursorOf(value)}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'cursor' });
    });

    it.each(['risk', 'name', 'modified'])('still pages by its own cursor when sorted by %s', async (sort) => {
      const first = await server.as(PRADEEP).get<Page<AgentSummary>>(`/api/v1/agents?sort=${sort}&limit=5`);
      const second = await server
        .as(PRADEEP)
        .get<Page<AgentSummary>>(`/api/v1/agents?sort=${sort}&limit=5&cursor=${first.body.nextCursor}`);
      expect(second.status).toBe(200);
      expect(second.body.items).toHaveLength(5);
      expect(second.body.items.map((a) => a.id)).not.toContain(first.body.items[4]!.id);
    });
  });
}
