// The notifier as the server runs it: createAgentWarden starts it over the real store-backed ports (channels,
// incident reader, personal chats) and botbuilder's adapter; Teams is the fake Bot Connector over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, ProtectionEvent } from '../../bot/src/domain/types.js';
import { enqueueOutbox } from '../../bot/src/store/outbox.js';
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

    it('an incident with 100 alerts and 500 events still posts: newest few, counts and a link, far under the limit', async () => {
      const { db, incidents } = server.warden.store;
      const [template] = await db.query<{ id: string }>(
        `select id from incidents where severity_rank >= 3 and cardinality(agent_ids) > 0 order by id limit 1`,
      );
      const base = (await incidents.getIncident(template!.id))!;
      const alert = (await incidents.alertsOfIncident(template!.id))[0]!;
      const [event] = await db.query<{ data: ProtectionEvent }>(
        `select data from events where decision = 'block' order by id limit 1`,
      );
      const id = 'inc-large-100-alerts';
      const alerts: Alert[] = Array.from({ length: 100 }, (_, i) => ({
        ...alert,
        id: `${id}-alert-${i}`,
        incidentId: id,
        dedupKey: `${id}-alert-${i}`,
        title: `Exfiltration attempt ${i} ${'x'.repeat(200)}`,
        recommendedActions: `Recommendation ${i}: ${'review the tool call and the user. '.repeat(10)}`,
      }));
      const events: ProtectionEvent[] = Array.from({ length: 500 }, (_, i) => ({
        ...event!.data,
        id: `${id}-event-${i}`,
        occurredAt: new Date(Date.parse(event!.data.occurredAt) + i * 1000).toISOString(),
      }));
      await db.transaction(async (tx) => {
        await incidents.saveIncidents([{ ...base, id, title: 'A very long incident', alertCount: 100 }], tx);
        await incidents.saveAlerts(alerts, tx);
        await incidents.saveEvents(events, tx);
        await incidents.linkEvents(
          events.map((e, i) => ({ alertId: alerts[i % 100]!.id, eventId: e.id })),
          tx,
        );
        await incidents.recountEvents([id], tx);
        await enqueueOutbox(tx, 'incident.changed', id);
      });
      const posted = await until('the large incident card', () =>
        connector.threads(CHANNEL).find((m) => JSON.stringify(m.card).includes(id)),
      );
      const json = JSON.stringify(posted.card);
      // Teams refuses messages over 100 KB (REFERENCE.md: keep well under 80 KB); the card stays a fraction.
      expect(Buffer.byteLength(json)).toBeLessThan(28 * 1024);
      expect(json).toMatch(/"title":"Alerts","value":"100"/);
      expect(json).toMatch(/"title":"Events","value":"500"/);
      expect(json).toContain('more in the timeline');
      // The rest is one click away: the tab's incident page, deep-linked in Teams.
      expect(json).toContain(`subEntityId%22%3A%22incident%3A${id}`);
    });

    it('a high incident about protection itself (no user, no agent, e.g. "protection degraded") posts like any other', async () => {
      const { db, incidents } = server.warden.store;
      const [template] = await db.query<{ id: string }>(
        `select id from incidents where severity_rank >= 3 order by id limit 1`,
      );
      const base = (await incidents.getIncident(template!.id))!;
      const alert = (await incidents.alertsOfIncident(template!.id))[0]!;
      const id = 'inc-protection-degraded';
      await db.transaction(async (tx) => {
        await incidents.saveIncidents(
          [
            {
              ...base,
              id,
              title: 'Protection degraded: the threat-detection webhook failed open',
              category: 'ProtectionDegraded',
              severity: 'high',
              status: 'active',
              assignedTo: null,
              alertCount: 1,
              eventCount: 0,
              entities: { users: [], agents: [], tools: [], ips: [] },
            },
          ],
          tx,
        );
        await incidents.saveAlerts(
          [{ ...alert, id: `${id}-alert`, incidentId: id, dedupKey: `${id}-alert`, evidence: [], eventCount: 0 }],
          tx,
        );
        await enqueueOutbox(tx, 'incident.changed', id);
      });
      const posted = await until('the protection incident card', () =>
        connector.threads(CHANNEL).find((m) => JSON.stringify(m.card).includes(id)),
      );
      expect(JSON.stringify(posted.card)).toContain('Protection degraded: the threat-detection webhook failed open');
      // Recorded just after Teams answered.
      const row = await until('the recorded post', async () => {
        const rows = await db.query<{ activity_id: string }>(
          `select activity_id from card_posts where subject_id = $1 and state = 'posted'`,
          [id],
        );
        return rows[0];
      });
      expect(row.activity_id).toBe(posted.activityId);
    });
  });
}
