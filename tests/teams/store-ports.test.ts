// The bot's ports over the real store (PGlite, and PostgreSQL when TEST_DATABASE_URL is set), seeded with
// the Zava tenant: channels, personal chats, who is who, and the card views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upnOf, userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import type { Principal } from '../../bot/src/domain/types.js';
import type { ChannelRef } from '../../bot/src/teams/ports.js';
import { incidentCard } from '../../bot/src/teams/cards/incident-card.js';
import { approvalCard } from '../../bot/src/teams/cards/approval-card.js';
import { ANONYMOUS_VIEWER, viewerOf } from '../../bot/src/teams/cards/card-views.js';
import { PLAYGROUND_BUILTIN_AAD_IDS } from '../../bot/src/teams/store/playground.js';
import { BACKENDS } from '../support/test-db.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';
import { cardBytes, cardProblems, cardText } from './cards/card-assertions.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

function channelRef(id: string, overrides: Partial<ChannelRef> = {}): ChannelRef {
  return {
    conversationId: id,
    conversationType: 'channel',
    tenantId: 'tenant-zava',
    teamId: '19:team-sec@thread.tacv2',
    teamName: 'Security',
    channelName: 'SOC',
    serviceUrl: SERVICE_URL,
    reference: {
      channelId: 'msteams',
      serviceUrl: SERVICE_URL,
      conversation: { id, isGroup: true, conversationType: 'channel', name: 'SOC' },
    },
    registeredBy: userIdOf('adele'),
    registeredAt: '2026-11-24T10:00:00.000Z',
    ...overrides,
  };
}

describe.each(BACKENDS.filter((b) => b.enabled))('Teams store ports on $name', ({ name }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(name);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  const principal = async (alias: 'megan' | 'adele' | 'pradeep'): Promise<Principal> => {
    const p = await server.warden.teams.principals.byUpn(upnOf(alias));
    if (!p) throw new Error(`${alias} has no principal`);
    return p;
  };

  describe('ChannelStore', () => {
    it('registers, deactivates and re-activates a channel, keeping its settings', async () => {
      const channels = server.warden.teams.channels;
      await channels.upsertChannel(channelRef('19:c1@thread.tacv2'));
      expect(
        await channels.configure('19:c1@thread.tacv2', { minSeverity: 'critical', receivesApprovals: false }),
      ).toBe(true);
      let c = await channels.get('19:c1@thread.tacv2');
      expect(c).toMatchObject({
        active: true,
        teamName: 'Security',
        channelName: 'SOC',
        registeredBy: userIdOf('adele'),
        registeredAt: '2026-11-24T10:00:00.000Z',
        minSeverity: 'critical',
        receivesApprovals: false,
        reference: { conversation: { id: '19:c1@thread.tacv2' } },
      });

      await channels.deactivate('19:c1@thread.tacv2', 'botRemoved');
      c = await channels.get('19:c1@thread.tacv2');
      expect(c).toMatchObject({ active: false, deactivationReason: 'botRemoved' });
      expect(c?.deactivatedAt).not.toBeNull();
      expect((await channels.forIncident('critical')).map((x) => x.conversationId)).not.toContain('19:c1@thread.tacv2');

      await channels.upsertChannel(channelRef('19:c1@thread.tacv2', { registeredAt: '2026-11-25T08:00:00.000Z' }));
      c = await channels.get('19:c1@thread.tacv2');
      expect(c).toMatchObject({
        active: true,
        deactivationReason: null,
        deactivatedAt: null,
        registeredAt: '2026-11-25T08:00:00.000Z',
        minSeverity: 'critical',
      });
    });

    it('sends each channel only the severities it asked for, and approvals where wanted', async () => {
      const channels = server.warden.teams.channels;
      await channels.upsertChannel(channelRef('19:high@thread.tacv2'));
      await channels.upsertChannel(channelRef('19:crit@thread.tacv2'));
      await channels.configure('19:crit@thread.tacv2', { minSeverity: 'critical', receivesApprovals: false });
      const forHigh = (await channels.forIncident('high')).map((c) => c.conversationId);
      const forCritical = (await channels.forIncident('critical')).map((c) => c.conversationId);
      expect(forHigh).toContain('19:high@thread.tacv2');
      expect(forHigh).not.toContain('19:crit@thread.tacv2');
      expect(forCritical).toEqual(expect.arrayContaining(['19:high@thread.tacv2', '19:crit@thread.tacv2']));
      expect(await channels.forIncident('medium')).toEqual([]);
      const approvals = (await channels.forApprovals()).map((c) => c.conversationId);
      expect(approvals).toContain('19:high@thread.tacv2');
      expect(approvals).not.toContain('19:crit@thread.tacv2');
    });

    it('ignores unknown conversations and refuses unknown severities', async () => {
      const channels = server.warden.teams.channels;
      await channels.deactivate('19:nobody@thread.tacv2', 'teamDeleted');
      expect(await channels.get('19:nobody@thread.tacv2')).toBeNull();
      expect(await channels.configure('19:nobody@thread.tacv2', { minSeverity: 'high' })).toBe(false);
      await expect(
        channels.configure('19:high@thread.tacv2', { minSeverity: 'severe' as unknown as 'high' }),
      ).rejects.toThrow(/severity/);
    });
  });

  describe('PersonalChatStore', () => {
    it('finds a chat by user id, Entra object id or UPN, and keeps the latest reference', async () => {
      const chats = server.warden.teams.personalChats;
      const reference = (id: string) => ({
        channelId: 'msteams',
        serviceUrl: SERVICE_URL,
        conversation: { id, conversationType: 'personal', isGroup: false, name: '' },
        user: { id: '29:nestor', name: 'Nestor Wilke', aadObjectId: userIdOf('nestor') },
      });
      await chats.save({
        aadObjectId: userIdOf('nestor'),
        userId: userIdOf('nestor'),
        upn: upnOf('nestor'),
        reference: reference('a:chat-1'),
        updatedAt: '2026-11-24T10:00:00.000Z',
      });
      await chats.save({
        aadObjectId: userIdOf('nestor'),
        userId: null,
        upn: null,
        reference: reference('a:chat-2'),
        updatedAt: '2026-11-25T10:00:00.000Z',
      });
      for (const key of [userIdOf('nestor'), upnOf('nestor'), 'NESTOR@zava.example']) {
        const found = await chats.find(key);
        expect(found?.reference.conversation?.id).toBe('a:chat-2');
        // A later save without a known identity keeps the one learned before.
        expect(found).toMatchObject({ userId: userIdOf('nestor'), upn: upnOf('nestor') });
      }
      expect(await chats.find(upnOf('griffin'))).toBeNull();
      expect(await chats.find('')).toBeNull();
      await expect(
        chats.save({ aadObjectId: 'x', userId: null, upn: null, reference: {}, updatedAt: '2026-11-25T10:00:00.000Z' }),
      ).rejects.toThrow(/conversation/);
    });
  });

  describe('PrincipalResolver', () => {
    it('maps Teams identities to Zava principals with their roles', async () => {
      const principals = server.warden.teams.principals;
      expect(await principals.byAadObjectId(userIdOf('megan'))).toMatchObject({
        id: userIdOf('megan'),
        upn: 'megan@zava.example',
        displayName: 'Megan Bowen',
        roles: ['responder'],
      });
      expect((await principals.byUpn('ADELE@zava.example'))?.roles).toEqual(['admin']);
      expect((await principals.byUpn('pradeep@zava.example'))?.roles).toEqual(['viewer']);
      // Griffin is in the directory but has no Agent Warden role; strangers are unknown.
      expect(await principals.byAadObjectId(userIdOf('griffin'))).toBeNull();
      expect(await principals.byAadObjectId('aad-stranger')).toBeNull();
      expect(await principals.byUpn('stranger@elsewhere.example')).toBeNull();
      // A user id is not a UPN.
      expect(await principals.byUpn(userIdOf('megan'))).toBeNull();
    });

    it("maps the playground's built-in ids to the personas of the same name", async () => {
      const principals = server.warden.teams.principals;
      const ids = [...PLAYGROUND_BUILTIN_AAD_IDS.entries()];
      const adele = ids.find(([, upn]) => upn === upnOf('adele'))![0];
      const megan = ids.find(([, upn]) => upn === upnOf('megan'))![0];
      expect((await principals.byAadObjectId(adele))?.upn).toBe('adele@zava.example');
      expect((await principals.byAadObjectId(megan))?.roles).toEqual(['responder']);
    });
  });

  describe('IncidentReader', () => {
    it('lists open high and critical incidents, most severe then most recent first', async () => {
      const list = await server.warden.teams.incidents.openIncidents(10);
      expect(list.items.length).toBeGreaterThan(0);
      expect(list.totalOpen).toBe(list.items.length);
      for (const item of list.items) {
        expect(item.incident.status).not.toBe('resolved');
        expect(['high', 'critical']).toContain(item.incident.severity);
        expect(item.links.browser).toBe(`${server.warden.config.publicUrl}/incidents/${item.incident.id}`);
      }
      const ranks = list.items.map((i) => (i.incident.severity === 'critical' ? 1 : 0));
      expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
      expect((await server.warden.teams.incidents.openIncidents(0)).items).toEqual([]);
    });

    it('builds the incident card view from the store, with what was done and who did it', async () => {
      const reader = server.warden.teams.incidents;
      const [first] = (await reader.openIncidents(1)).items;
      const incidentId = first!.incident.id;
      const before = await reader.incidentCardView(incidentId, null);
      expect(before).not.toBeNull();
      const view = before!;
      const stored = await server.warden.store.incidents.getIncident(incidentId);
      expect(view.incident).toMatchObject({
        id: stored!.id,
        title: stored!.title,
        severity: stored!.severity,
        alertCount: stored!.alertCount,
        eventCount: stored!.eventCount,
        firstActivityAt: stored!.firstActivityAt,
        lastActivityAt: stored!.lastActivityAt,
        entities: stored!.entities,
      });
      expect(view.alerts.length).toBe((await server.warden.store.incidents.alertsOfIncident(incidentId)).length);
      const blocked = (await server.warden.store.incidents.timeline(incidentId)).filter((e) => e.decision === 'block');
      expect(view.blockedCallCount).toBe(blocked.length);
      expect(view.blockedCalls[0]?.id).toBe(blocked.at(-1)?.id);
      expect(view.users.map((u) => u.id)).toEqual(stored!.entities.users.map((u) => u.userId));
      expect(view.agents.map((a) => a.id)).toEqual(stored!.entities.agents.map((a) => a.agentId));
      expect(view.links.teams).toContain(encodeURIComponent(`"subEntityId":"incident:${incidentId}"`));
      expect(view.history).toEqual([]);

      // Adele blocks the incident's agent from the tab: the card shows it to everyone.
      const agentId = view.agents[0]!.id;
      const adele = await principal('adele');
      await server.warden.actions.blockAgent(
        { principal: adele, idempotencyKey: null, via: 'tab' },
        agentId,
        'seen in a SOC incident',
      );
      const after = (await reader.incidentCardView(incidentId, null))!;
      expect(after.agents[0]).toMatchObject({ lifecycle: 'blocked', blockedBy: 'adele@zava.example' });
      expect(after.history).toEqual([
        expect.objectContaining({ action: 'blockAgent', actorName: 'Adele Vance', targetName: view.agents[0]!.name }),
      ]);
      const base = incidentCard(after, ANONYMOUS_VIEWER);
      expect(cardProblems(base)).toEqual([]);
      expect(cardBytes(base)).toBeLessThan(80_000);
      expect(cardText(base)).toContain(`Agent ${view.agents[0]!.name} blocked by Adele Vance`);
      expect(cardProblems(incidentCard(after, viewerOf(await principal('megan'))))).toEqual([]);

      expect(await reader.incidentCardView('no-such-incident', null)).toBeNull();
    });

    it('builds the approval view with before and after of a pending submission', async () => {
      const reader = server.warden.teams.incidents;
      const pending = (await server.warden.store.submissions.list({ status: 'pending', limit: 1 })).items[0];
      expect(pending).toBeDefined();
      const view = (await reader.approvalCardView(pending!.id, null))!;
      const agent = (await server.warden.store.agents.get(pending!.agentId))!;
      expect(view.submission).toMatchObject({ id: pending!.id, version: pending!.version, status: 'pending' });
      expect(view.agent).toMatchObject({ id: agent.id, name: agent.name });
      expect(view.before.tools.map((t) => t.id)).toEqual(agent.tools.map((t) => t.id));
      expect(view.submission.proposed).toEqual(pending!.proposed);
      expect(view.riskBefore.level).toBeDefined();
      expect(view.riskAfter.signals.every((s) => typeof s.title === 'string')).toBe(true);
      const card = approvalCard(view, viewerOf(await principal('adele')));
      expect(cardProblems(card)).toEqual([]);
      expect(await reader.approvalCardView('no-such-submission', null)).toBeNull();
    });

    it('finds agents by exact name first, then by a unique partial name', async () => {
      const reader = server.warden.teams.incidents;
      const exact = await reader.findAgentByName('customer billing agent');
      expect(exact?.agent.name).toBe('Customer Billing Agent');
      expect(exact?.risk.signals.length).toBeGreaterThan(0);
      expect(exact?.agent.tools.every((t) => !('headers' in t))).toBe(true);
      expect((await reader.findAgentByName('Billing Agent'))?.agent.name).toBe('Customer Billing Agent');
      // "Agent" is in many names: ambiguous, so nothing.
      expect(await reader.findAgentByName('Agent')).toBeNull();
      expect(await reader.findAgentByName('no such thing')).toBeNull();
      expect(await reader.findAgentByName('%')).toBeNull();
    });

    it("reports a channel's registration, the open queue and the outbox backlog", async () => {
      const reader = server.warden.teams.incidents;
      await server.warden.teams.channels.upsertChannel(channelRef('19:status@thread.tacv2'));
      const status = await reader.statusView('19:status@thread.tacv2');
      expect(status.channel).toMatchObject({ conversationId: '19:status@thread.tacv2', name: 'SOC', active: true });
      const open = await server.warden.store.db.query<{ n: number }>(
        "select count(*)::int as n from incidents where status <> 'resolved'",
      );
      expect(status.openIncidents.total).toBe(open[0]!.n);
      expect(status.pendingPosts).toBe(await server.warden.store.outbox.backlog());
      expect(status.tenant).toBe('embedded');
      expect((await reader.statusView('19:unknown@thread.tacv2')).channel).toBeNull();
    });
  });
});
