// The bot's `hunt` in the running product: POST /api/messages of the real server (createAgentWarden, AUTH=dev)
// runs the hunting service wired in bot/src/app.ts, and the reply reaches the Bot Connector (a faithful fake).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUNTING_TEMPLATES } from '../../bot/src/hunting/templates.js';
import { ZAVA_FINDINGS } from '../../bot/src/tenant/embedded/zava/index.js';
import { userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

let sent = 0;
function say(serviceUrl: string, text: string) {
  sent += 1;
  return {
    type: 'message',
    id: `hunt-${sent}`,
    text,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: '29:zava-pradeep', name: 'Pradeep Gupta', aadObjectId: userIdOf('pradeep') },
    recipient: { id: '28:agent-warden', name: 'Agent Warden' },
    conversation: { id: 'a:personal-pradeep', conversationType: 'personal', tenantId: 'zava' },
    channelData: { tenant: { id: 'zava' } },
  };
}

describe("the bot's hunt through POST /api/messages of the running server", () => {
  let server: TestServer;
  const connector = new FakeBotConnector();
  beforeAll(async () => {
    await connector.start();
    server = await startTestServer('pglite', { PUBLIC_URL: 'https://warden.example' });
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    await connector.stop();
  });

  // The answers to this message only: the server may post other things to the same chat meanwhile (a maker's
  // notice, once the chat is known), which are not the command's reply.
  async function ask(text: string) {
    const activity = say(connector.url, text);
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(200);
    const replies = connector.messages.filter((m) => m.replyTo === activity.id);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  }

  it("lists the server's templates when asked for `hunt` alone", async () => {
    const reply = await ask('hunt');
    for (const t of HUNTING_TEMPLATES) expect(reply.text).toContain(t.id);
  });

  it('runs a template over the embedded tenant and answers with exactly its agents and a link to the tab', async () => {
    const reply = await ask('hunt mcp-maker-credentials');
    const card = JSON.stringify(reply.card);
    expect(card).toContain("MCP tools on the maker's credentials");
    const expected = ZAVA_FINDINGS['mcp-maker-credentials'];
    for (const id of expected) expect(card).toContain(id);
    // The card's table holds only the template's agents: no other Zava agent id shows up.
    const ids = [...card.matchAll(/"text":"([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(card).toContain('https://warden.example/hunting?template=mcp-maker-credentials');
  });

  it('says which templates exist when asked for one that does not', async () => {
    const reply = await ask('hunt no-such-template');
    expect(reply.text).toContain('No hunting template "no-such-template"');
    expect(reply.text).toContain('mcp-maker-credentials');
  });
});
