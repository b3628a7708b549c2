// The real bot (the teams-ai Application the server builds) over the REAL store-backed ports and the real
// response service, driven with botbuilder's TestAdapter and Teams-shaped activities from the Zava
// personas: installation, commands, an action, a forbidden action, a double click and a race.
import { TestAdapter } from 'botbuilder';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdaptiveCard } from '../../bot/src/teams/cards/adaptive-card-types.js';
import { CARD_VERBS } from '../../bot/src/teams/cards/card-verbs.js';
import type { AdaptiveCardInvokeBody } from '../../bot/src/teams/invoke-answer.js';
import { INVOKE_CONTENT_TYPES } from '../../bot/src/teams/invoke-answer.js';
import type { ZavaAlias } from '../../bot/src/tenant/embedded/zava/ids.js';
import { userIdOf } from '../../bot/src/tenant/embedded/zava/ids.js';
import { BACKENDS } from '../support/test-db.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';
import { cardProblems, cardText, executeActions, verbs } from './cards/card-assertions.js';

const BOT = { id: '28:agent-warden', name: 'Agent Warden' };
const TENANT_ID = 'tenant-zava';
const TEAM = { id: '19:zava-sec@thread.tacv2', name: 'Zava Security Operations', aadGroupId: 'group-sec' };
const GENERAL = { id: TEAM.id };
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const NAMES: Partial<Record<ZavaAlias, string>> = {
  megan: 'Megan Bowen',
  adele: 'Adele Vance',
  pradeep: 'Pradeep Gupta',
};

function fromPerson(alias: ZavaAlias, fields: Partial<Activity>): Partial<Activity> {
  return {
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: { id: `29:${alias}`, name: NAMES[alias] ?? alias, aadObjectId: userIdOf(alias) },
    recipient: { ...BOT },
    conversation: { id: GENERAL.id, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID, name: '' },
    channelData: { tenant: { id: TENANT_ID }, team: { ...TEAM }, channel: { id: GENERAL.id } },
    ...fields,
  };
}

interface Turn {
  sent: Partial<Activity>[];
  invokeResponses: { status: number; body: AdaptiveCardInvokeBody }[];
}

const cardOf = (a: Partial<Activity> | undefined): AdaptiveCard | null => {
  const att = a?.attachments?.[0];
  return att?.contentType === 'application/vnd.microsoft.card.adaptive' ? (att.content as AdaptiveCard) : null;
};

describe.each(BACKENDS.filter((b) => b.enabled))('the SOC bot over the store on $name', ({ name }) => {
  let server: TestServer;
  let adapter: TestAdapter;
  let incidentId: string;

  const send = async (activity: Partial<Activity>): Promise<Turn> => {
    await adapter.processActivity(activity);
    const out = adapter.activeQueue.splice(0);
    return {
      sent: out.filter((a) => a.type !== 'invokeResponse'),
      invokeResponses: out
        .filter((a) => a.type === 'invokeResponse')
        .map((a) => a.value as { status: number; body: AdaptiveCardInvokeBody }),
    };
  };

  const say = async (alias: ZavaAlias, text: string): Promise<Partial<Activity>[]> => {
    const mention = `<at>${BOT.name}</at>`;
    const { sent } = await send(
      fromPerson(alias, {
        type: 'message',
        text: `${mention} ${text}`,
        entities: [{ type: 'mention', mentioned: { ...BOT }, text: mention }],
      }),
    );
    return sent;
  };

  const click = async (alias: ZavaAlias, verb: string, data: Record<string, unknown>) => {
    const { invokeResponses } = await send(
      fromPerson(alias, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'card-1',
        conversation: {
          id: `${GENERAL.id};messageid=card-1`,
          conversationType: 'channel',
          isGroup: true,
          tenantId: TENANT_ID,
          name: '',
        },
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    );
    expect(invokeResponses).toHaveLength(1);
    return invokeResponses[0]!;
  };

  /** The incident card as `alias` sees it (Teams' automatic refresh). */
  const myCard = async (alias: ZavaAlias): Promise<AdaptiveCard> => {
    const { status, body } = await click(alias, CARD_VERBS.refreshIncident, { incidentId });
    expect(status).toBe(200);
    expect(body.type).toBe(INVOKE_CONTENT_TYPES.card);
    return body.value as AdaptiveCard;
  };

  const auditOf = async (action: string, targetId: string) =>
    (await server.warden.store.audit.list({ action, targetId, limit: 50 })).items;

  beforeAll(async () => {
    server = await startTestServer(name);
    adapter = new TestAdapter(async (context) => {
      await server.warden.teams.bot.app.run(context);
    });
    incidentId = (await server.warden.teams.incidents.openIncidents(1)).items[0]!.incident.id;
  }, 180_000);
  afterAll(async () => {
    await server?.close();
  });

  it('registers the channel in the store on installation and forgets it on removal', async () => {
    const install = (action: string) =>
      fromPerson('adele', {
        type: 'installationUpdate',
        action,
        channelData: { tenant: { id: TENANT_ID }, team: { ...TEAM }, channel: { id: GENERAL.id } },
      });
    const { sent } = await send(install('add'));
    expect(sent[0]?.text).toContain('Agent Warden will post incident cards here');
    const channel = await server.warden.teams.channels.get(GENERAL.id);
    expect(channel).toMatchObject({
      active: true,
      teamId: TEAM.id,
      teamName: TEAM.name,
      registeredBy: userIdOf('adele'),
      serviceUrl: SERVICE_URL,
      reference: { conversation: { id: GENERAL.id, conversationType: 'channel' } },
    });
    await send(install('remove'));
    expect(await server.warden.teams.channels.get(GENERAL.id)).toMatchObject({
      active: false,
      deactivationReason: 'uninstalled',
    });
    await send(install('add'));
    expect((await server.warden.teams.channels.get(GENERAL.id))?.active).toBe(true);
  });

  it('answers help, incidents, agent and status from the store, and help for anything else', async () => {
    const help = cardOf((await say('megan', 'help'))[0]);
    expect(help && cardText(help)).toContain('incidents');

    const incidents = cardOf((await say('megan', 'incidents'))[0]);
    expect(incidents).not.toBeNull();
    const open = await server.warden.teams.incidents.openIncidents(5);
    expect(cardText(incidents!)).toContain(open.items[0]!.incident.title);
    expect(cardProblems(incidents!)).toEqual([]);

    const agent = cardOf((await say('pradeep', 'agent customer billing agent'))[0]);
    expect(agent && cardText(agent)).toContain('Customer Billing Agent');

    const status = cardOf((await say('adele', 'status'))[0]);
    expect(status && cardText(status)).toContain(TEAM.name);

    const unknown = cardOf((await say('megan', 'make me a sandwich'))[0]);
    expect(unknown && cardText(unknown)).toContain('incidents');

    // Griffin has no Agent Warden role: no incidents for him.
    const griffin = await say('griffin', 'incidents');
    expect(cardOf(griffin[0])).toBeNull();
    expect(griffin[0]?.text).toContain('does not know your account');
  });

  it('blocks the agent when Megan clicks Block, records it once, and shows everyone who did it', async () => {
    const before = await myCard('megan');
    const block = executeActions(before).find((a) => a.verb === CARD_VERBS.blockAgent);
    expect(block).toBeDefined();
    const agentId = String(block!.data!.agentId);
    const agentName = (await server.warden.store.agents.get(agentId))!.name;

    const { status, body } = await click('megan', CARD_VERBS.blockAgent, { ...block!.data });
    expect(status).toBe(200);
    expect(body.statusCode).toBe(200);
    const after = body.value as AdaptiveCard;
    expect(cardProblems(after)).toEqual([]);
    expect(cardText(after)).toMatch(new RegExp(`Agent ${agentName} blocked by Megan Bowen at \\d\\d:\\d\\d UTC`));
    expect(verbs(after)).not.toContain(CARD_VERBS.blockAgent);

    const agent = await server.warden.store.agents.get(agentId);
    expect(agent).toMatchObject({ lifecycle: 'blocked', blockedBy: 'megan@zava.example' });
    const records = await auditOf('blockAgent', agentId);
    expect(records.map((r) => [r.actor, r.outcome, r.via])).toEqual([['megan@zava.example', 'succeeded', 'card']]);

    // Adele's own view says the same, and offers her (admin) the unblock.
    const adele = await myCard('adele');
    expect(cardText(adele)).toContain(`Agent ${agentName} blocked by Megan Bowen`);
    expect(verbs(adele)).toContain(CARD_VERBS.unblockAgent);

    // The double click: the same button again does nothing more.
    const again = await click('megan', CARD_VERBS.blockAgent, { ...block!.data });
    expect(again.body.statusCode).toBe(200);
    expect(cardText(again.body.value as AdaptiveCard)).toContain(`blocked by Megan Bowen`);
    expect(await auditOf('blockAgent', agentId)).toHaveLength(1);
    const announced = await server.warden.store.db.query<{ n: number }>(
      "select count(*)::int as n from outbox where topic = 'agent.changed' and subject_id = $1",
      [agentId],
    );
    expect(announced[0]!.n).toBe(1);
  });

  it('refuses Pradeep (viewer): no buttons on his card, and a click is denied and audited', async () => {
    const card = await myCard('pradeep');
    expect(executeActions(card).filter((a) => a.verb !== CARD_VERBS.refreshIncident)).toEqual([]);
    const agentId = (await server.warden.teams.incidents.incidentCardView(incidentId, null))!.agents[0]!.id;
    const before = (await server.warden.store.agents.get(agentId))!;
    const { status, body } = await click('pradeep', CARD_VERBS.unblockAgent, {
      incidentId,
      agentId,
      key: 'unblockAgent:forged',
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      statusCode: 200,
      type: INVOKE_CONTENT_TYPES.message,
      value: 'You are not allowed to unblock agents.',
    });
    expect((await server.warden.store.agents.get(agentId))!.lifecycle).toBe(before.lifecycle);
    const denied = (await auditOf('unblockAgent', agentId)).filter((r) => r.outcome === 'denied');
    expect(denied.map((r) => r.actor)).toEqual(['pradeep@zava.example']);
  });

  it('the same button clicked twice at once: one revocation, one audit record', async () => {
    const card = await myCard('megan');
    const revoke = executeActions(card).find((a) => a.verb === CARD_VERBS.revokeUser);
    expect(revoke).toBeDefined();
    const userId = String(revoke!.data!.userId);
    const answers = await Promise.all([
      click('megan', CARD_VERBS.revokeUser, { ...revoke!.data }),
      click('megan', CARD_VERBS.revokeUser, { ...revoke!.data }),
    ]);
    for (const a of answers) expect(a.body.statusCode).toBe(200);
    const user = (await server.warden.store.users.get(userId))!;
    expect(user).toMatchObject({ riskState: 'confirmedCompromised', passwordResetRequired: true });
    expect((await auditOf('revokeUser', userId)).map((r) => r.outcome)).toEqual(['succeeded']);
    const after = await myCard('pradeep');
    expect(cardText(after)).toContain(
      `Sessions of ${user.displayName} revoked and password reset required by Megan Bowen`,
    );
    expect(verbs(await myCard('megan'))).not.toContain(CARD_VERBS.revokeUser);
  });

  it('answers an unknown verb with a 400 error response, never a 501', async () => {
    const { status, body } = await click('megan', 'launchMissiles', { incidentId });
    expect(status).toBe(200);
    expect(body).toMatchObject({ statusCode: 400, type: INVOKE_CONTENT_TYPES.error });
  });
});
