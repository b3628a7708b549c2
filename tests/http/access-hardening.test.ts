import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionResult, AgentDetail, AgentSummary, Page } from '../../bot/src/contract/api.js';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { BACKENDS } from '../support/test-db.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ADELE = 'adele@zava.example';
const GRIFFIN = 'griffin@zava.example';

type ErrorBody = { error: { code: string; message: string; field?: string } };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`who may call what, over HTTP on ${backend.name}`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(backend.name);
    });
    afterAll(async () => server?.close());

    it.each([
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/changes'],
      ['GET', '/api/v1/agents'],
      ['GET', `/api/v1/agents/${ZAVA_IDS.customerBillingAgent}`],
      ['GET', '/api/v1/incidents'],
      ['GET', '/api/v1/audit'],
      ['GET', `/api/v1/users/${GRIFFIN}`],
      ['GET', '/api/v1/submissions'],
      ['GET', '/api/v1/hunting/templates'],
      ['GET', '/api/v1/hunting/schema'],
      ['POST', '/api/v1/hunting/run'],
    ])('refuses a signed-in person with no role: %s %s is 403', async (method, path) => {
      const client = server.as(GRIFFIN);
      const res =
        method === 'GET'
          ? await client.get<ErrorBody>(path)
          : await client.post<ErrorBody>(path, { templateId: 'orphaned' });
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/no Agent Warden role/),
      });
    });

    it('still answers info and personas to anyone', async () => {
      expect((await fetch(`${server.url}/api/v1/info`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/v1/personas`)).status).toBe(200);
    });

    it('binds an Idempotency-Key to its request: another target or body gets 422 and changes nothing', async () => {
      const agents = (await server.as(ADELE).get<Page<AgentSummary>>('/api/v1/agents?sort=name&limit=3')).body.items;
      const [a, b] = [agents[0]!.id, agents[1]!.id];
      const key = { 'Idempotency-Key': 'k1' };
      const first = await server.as(ADELE).post<ActionResult>(`/api/v1/agents/${a}/block`, { reason: 'r' }, key);
      expect(first.body.outcome).toBe('done');
      const otherAgent = await server.as(ADELE).post<ErrorBody>(`/api/v1/agents/${b}/block`, { reason: 'r' }, key);
      expect(otherAgent.status).toBe(422);
      expect(otherAgent.body.error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
      expect((await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${b}`)).body.agent.lifecycle).toBe('active');
      const otherBody = await server.as(ADELE).post(`/api/v1/agents/${a}/block`, { reason: 'other' }, key);
      expect(otherBody.status).toBe(422);
      const otherAction = await server.as(ADELE).post(`/api/v1/agents/${a}/unblock`, { reason: 'r' }, key);
      expect(otherAction.status).toBe(422);
      const retry = await server.as(ADELE).post<ActionResult>(`/api/v1/agents/${a}/block`, { reason: 'r' }, key);
      expect(retry.body).toEqual(first.body);
    });
  });
}

describe('refusals in the audit trail', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite');
  });
  afterAll(async () => server?.close());

  it('writes one record for a refused bulk block, however many ids it invents', async () => {
    const auditCount = async () =>
      (await server.as(ADELE).get<Page<unknown>>('/api/v1/audit?action=blockAgent&limit=500')).body.items.length;
    const before = await auditCount();
    const invented = Array.from({ length: 500 }, (_, i) => `invented-${i}`);
    const res = await server
      .as('megan@zava.example')
      .post<ErrorBody>('/api/v1/agents/bulk/block', { agentIds: invented, reason: 'flood' });
    expect(res.status).toBe(403);
    expect(await auditCount()).toBe(before + 1);
    const [record] = (
      await server.as(ADELE).get<Page<{ targetId: string; detail: string; outcome: string }>>('/api/v1/audit?limit=1')
    ).body.items;
    expect(record).toMatchObject({
      targetId: 'bulk',
      outcome: 'denied',
      detail: expect.stringContaining('500 agents'),
    });
  });
});
