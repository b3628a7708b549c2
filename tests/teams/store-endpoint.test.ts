// POST /api/messages over real HTTP: AUTH=dev takes the playground's unauthenticated calls (and the bot
// answers through the Bot Connector at the activity's serviceUrl, here a faithful fake); AUTH=entra wants
// a Bot Framework token on every activity; bad bodies get a 4xx JSON error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upnOf, userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json().catch(() => null)) as unknown }));

function personalMessage(serviceUrl: string, text: string, id = 'msg-1') {
  return {
    type: 'message',
    id,
    text,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: '29:zava-nestor', name: 'Nestor Wilke', aadObjectId: userIdOf('nestor') },
    recipient: { id: '28:agent-warden', name: 'Agent Warden' },
    conversation: { id: 'a:personal-nestor', conversationType: 'personal', tenantId: 'zava' },
    channelData: { tenant: { id: 'zava' } },
  };
}

describe('POST /api/messages with AUTH=dev', () => {
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

  it("runs the playground's unauthenticated activity, answers through the connector and keeps the personal chat", async () => {
    const res = await post(server.url, personalMessage(connector.url, 'help'));
    expect(res.status).toBe(200);
    const replies = connector.messages.filter((m) => m.conversationId === 'a:personal-nestor');
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]!.card)).toContain('Commands');

    // Nestor makes agents: the notifier can now write him by UPN or id.
    const chat = await server.warden.teams.personalChats.find(upnOf('nestor'));
    expect(chat).toMatchObject({
      aadObjectId: userIdOf('nestor'),
      userId: userIdOf('nestor'),
      upn: 'nestor@zava.example',
      reference: { conversation: { id: 'a:personal-nestor' }, serviceUrl: connector.url },
    });
    expect(chat?.reference.activityId).toBeUndefined();
  });

  it('answers an unknown card verb with an error body, never 501', async () => {
    const res = await post(server.url, {
      ...personalMessage(connector.url, '', 'invoke-1'),
      type: 'invoke',
      name: 'adaptiveCard/action',
      value: { action: { type: 'Action.Execute', verb: 'doSomethingElse', data: {} }, trigger: 'manual' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error' });
  });

  it('refuses what is not an activity with a 400 that says why', async () => {
    for (const body of ['[1,2]', { text: 'no type' }, { type: '' }]) {
      const res = await post(server.url, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/activity/) } });
    }
    const notJson = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
  });

  it('does not take a token it cannot check (no BOT_ID)', async () => {
    const res = await post(server.url, personalMessage(connector.url, 'help', 'msg-2'), {
      authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.',
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'unauthorized', message: expect.stringContaining('BOT_ID') } });
  });
});

describe('POST /api/messages with AUTH=entra', () => {
  let server: TestServer;
  const connector = new FakeBotConnector();
  beforeAll(async () => {
    await connector.start();
    server = await startTestServer('pglite', {
      AUTH: 'entra',
      ENTRA_TENANT_ID: '11111111-2222-3333-4444-555555555555',
      ENTRA_CLIENT_ID: '66666666-7777-8888-9999-000000000000',
      ENTRA_JWKS_URL: 'http://127.0.0.1:9/keys',
      BOT_ID: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      BOT_PASSWORD: 'not-a-real-secret',
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: '11111111-2222-3333-4444-555555555555',
    });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await connector.stop();
  });

  it('answers 401 to an activity without a Bot Framework token, and runs nothing', async () => {
    const res = await post(server.url, personalMessage(connector.url, 'help'));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(connector.requests).toEqual([]);
    expect(await server.warden.teams.personalChats.find(upnOf('nestor'))).toBeNull();
  });

  it('answers 401 to a token that is not a Bot Framework token', async () => {
    const res = await post(server.url, personalMessage(connector.url, 'help'), {
      authorization: 'Bearer not.a.token',
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect(connector.requests).toEqual([]);
  });
});
