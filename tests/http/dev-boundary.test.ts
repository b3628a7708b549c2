// AUTH=dev is for a person at this machine: dev sign-in and the playground's unauthenticated bot calls
// are refused through a tunnel, a proxy or a rebound DNS name, and the bot never answers at a serviceUrl
// off this machine. Requests are sent with node:http so the Host header is the test's to choose.
import fs from 'node:fs/promises';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDetail } from '../../bot/src/contract/api.js';
import { userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { ZAVA_IDS } from '../../bot/src/tenant/embedded/zava/index.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ADELE = 'adele@zava.example';

function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('the AUTH=dev boundary', () => {
  let server: TestServer;
  const connector = new FakeBotConnector();
  beforeAll(async () => {
    await connector.start();
    server = await startTestServer('pglite');
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await connector.stop();
  });

  const agentId = ZAVA_IDS.customerBillingAgent;
  const block = (headers: Record<string, string>) =>
    send(server.url, 'POST', `/api/v1/agents/${agentId}/block`, { 'x-dev-user': ADELE, ...headers }, { reason: 'r' });

  it.each([
    ['a dev tunnel Host', { host: 'abc123-3978.euw.devtunnels.ms' }],
    ['a rebound DNS name', { host: 'attacker.example:3978' }],
    ['X-Forwarded-For', { 'x-forwarded-for': '203.0.113.7' }],
    ['X-Forwarded-Host', { 'x-forwarded-host': 'abc123-3978.euw.devtunnels.ms' }],
    ['Forwarded', { forwarded: 'for=203.0.113.7;proto=https' }],
  ])('refuses dev sign-in through %s (401) and changes nothing', async (_name, headers) => {
    const res = await block(headers);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/dev sign-in/) });
    const agent = (await server.as(ADELE).get<AgentDetail>(`/api/v1/agents/${agentId}`)).body.agent;
    expect(agent.lifecycle).toBe('active');
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])('takes dev sign-in with Host %s', async (host) => {
    const port = new URL(server.url).port;
    const res = await send(server.url, 'GET', '/api/v1/me', { 'x-dev-user': ADELE, host: `${host}:${port}` });
    expect(res.status).toBe(200);
  });

  const playgroundMessage = (serviceUrl: string) => ({
    type: 'message',
    id: 'm1',
    text: 'help',
    channelId: 'msteams',
    serviceUrl,
    from: { id: '29:megan', name: 'Megan Bowen', aadObjectId: userIdOf('megan') },
    recipient: { id: '28:agent-warden', name: 'Agent Warden' },
    conversation: { id: 'a:personal-megan', conversationType: 'personal', tenantId: 'zava' },
  });

  it('answers an unauthenticated activity only at a loopback serviceUrl, reached on loopback', async () => {
    const before = connector.messages.length;
    const offMachine = await send(server.url, 'POST', '/api/messages', {}, playgroundMessage('https://evil.example/'));
    expect(offMachine.status).toBe(401);
    expect(offMachine.body.error?.message).toMatch(/serviceUrl/);
    const viaTunnel = await send(
      server.url,
      'POST',
      '/api/messages',
      { host: 'abc123-3978.euw.devtunnels.ms' },
      playgroundMessage(connector.url),
    );
    expect(viaTunnel.status).toBe(401);
    expect(connector.messages.length).toBe(before);
    const local = await send(server.url, 'POST', '/api/messages', {}, playgroundMessage(connector.url));
    expect(local.status).toBe(200);
    expect(connector.messages.length).toBe(before + 1);
  });

  it('runs local debugging in Teams (teamsapp.local.yml, env/.env.local) with Entra sign-in', async () => {
    const env = await fs.readFile('env/.env.local', 'utf8');
    expect(env).toMatch(/^AUTH=entra$/m);
    const yml = await fs.readFile('teamsapp.local.yml', 'utf8');
    expect(yml).toMatch(/^\s+AUTH: \$\{\{AUTH\}\}$/m);
  });
});
