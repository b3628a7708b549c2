// The notifier as the server runs it: createAgentWarden starts it over the real store-backed ports (channels,
// incident reader, personal chats) and botbuilder's adapter; Teams is the fake Bot Connector over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upnOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { FakeBotConnector } from '../fakes/bot-connector.js';
import { BACKENDS } from '../support/test-db.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const CHANNEL = '19:zava-soc-general@thread.tacv2';

/** Waits for a condition the server reaches on its own (the notifier polls); fails after `limitMs`. */
async function until<T>(what: string, probe: () => T | Promise<T>, limitMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const backend of BACKENDS.filter((b) => b.enabled)) {
  describe(`notifier in the server (${backend.name})`, () => {
    let server: TestServer;
    let connector: FakeBotConnector;

    beforeAll(async () => {
      connector = new FakeBotConnector();
      const serviceUrl = await connector.start();
      server = await startTestServer(backend.name);
      await server.warden.teams.channels.upsertChannel({
        conversationId: CHANNEL,
        conversationType: 'channel',
        tenantId: null,
        teamId: '19:zava-security-operations@thread.tacv2',
        teamName: 'Zava Security Operations',
        channelName: null,
        serviceUrl,
        reference: {
          channelId: 'msteams',
          serviceUrl,
          bot: { id: '28:agent-warden', name: 'Agent Warden' },
          conversation: { id: CHANNEL, isGroup: true, conversationType: 'channel', name: '' },
        },
        registeredBy: null,
        registeredAt: new Date().toISOString(),
      });
    });
    afterAll(async () => {
      await server.close();
      await connector.stop();
    });

    it('posts an open high incident of the Zava store, then shows an action on the same card', async () => {
      const db = server.warden.store.db;
      const [incident] = await db.query<{ id: string; agent_id: string }>(
        `select id, agent_ids[1] as agent_id from incidents
         where status <> 'resolved' and severity_rank >= 3 and cardinality(agent_ids) > 0
         order by last_activity_at desc limit 1`,
      );
      expect(incident).toBeDefined();
      await db.transaction((tx) =>
        tx.query(`insert into outbox (topic, subject_id) values ('incident.changed', $1)`, [incident!.id]),
      );
      const card = await until('the incident card', () => connector.threads(CHANNEL)[0]);
      expect(JSON.stringify(card.card)).toContain(incident!.id);
      const row = await until('the card_posts row', async () => {
        const rows = await db.query<{ activity_id: string; state: string }>(
          `select activity_id, state from card_posts where subject_id = $1 and state = 'posted'`,
          [incident!.id],
        );
        return rows[0];
      });
      expect(row.activity_id).toBe(card.activityId);

      // Adele blocks the incident's agent through the response service: the same card shows it.
      const adele = (await server.warden.teams.principals.byUpn(upnOf('adele')))!;
      const result = await server.warden.actions.blockAgent(
        { principal: adele, idempotencyKey: null, via: 'card' },
        incident!.agent_id,
        'exfiltration',
      );
      expect(result.outcome).toBe('done');
      await until('the card update', () => card.versions.length >= 2);
      expect(JSON.stringify(card.card)).toContain('Adele Vance');
      expect(connector.threads(CHANNEL)).toHaveLength(1);
    });
  });
}
