import { describe, expect, it } from 'vitest';
import type { Activity } from 'botbuilder';
import {
  BOT,
  SERVICE_URL,
  SOC_CHANNEL,
  TEAM,
  TENANT_ID,
  TeamsBotHarness,
  channelActivity,
} from '../fakes/teams-bot-harness.js';
import { ADELE, MEGAN } from '../fakes/teams-principals.js';

const GENERAL = { id: TEAM.id };
const OTHER_TEAM_CHANNEL = '19:other@thread.tacv2';

function install(action: string, channel: { id: string; name?: string } = SOC_CHANNEL): Partial<Activity> {
  return channelActivity(ADELE, {
    type: 'installationUpdate',
    action,
    conversation: {
      id: channel.id,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT_ID,
      name: channel.name ?? '',
    },
    channelData: { tenant: { id: TENANT_ID }, team: { ...TEAM }, channel: { ...channel } },
  });
}

function teamEvent(eventType: string, fields: Partial<Activity> = {}): Partial<Activity> {
  return channelActivity(MEGAN, {
    type: 'conversationUpdate',
    conversation: { id: GENERAL.id, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID, name: '' },
    channelData: { tenant: { id: TENANT_ID }, team: { ...TEAM }, eventType },
    ...fields,
  });
}

async function installed(): Promise<TeamsBotHarness> {
  const harness = new TeamsBotHarness();
  await harness.send(install('add'));
  await harness.channels.upsertChannel({
    ...(await harness.channels.list())[0]!,
    conversationId: OTHER_TEAM_CHANNEL,
  });
  return harness;
}

describe('channel registry', () => {
  it('registers the channel on installation, with a reference for proactive posts, and says hello', async () => {
    const harness = new TeamsBotHarness();
    const { sent } = await harness.send(install('add'));
    const [channel] = await harness.channels.list();
    expect(channel).toMatchObject({
      conversationId: SOC_CHANNEL.id,
      conversationType: 'channel',
      tenantId: TENANT_ID,
      teamId: TEAM.id,
      teamName: 'Security',
      channelName: 'SOC',
      serviceUrl: SERVICE_URL,
      registeredBy: ADELE.aadObjectId,
      registeredAt: '2026-11-24T10:00:00.000Z',
      active: true,
    });
    expect(channel?.reference).toEqual({
      channelId: 'msteams',
      serviceUrl: SERVICE_URL,
      bot: BOT,
      conversation: {
        id: SOC_CHANNEL.id,
        isGroup: true,
        conversationType: 'channel',
        tenantId: TENANT_ID,
        name: 'SOC',
      },
    });
    expect(sent.map((a) => a.text)).toEqual([
      'Agent Warden will post incident cards here. Mention me with **help** to see what I can do.',
    ]);
  });

  it('re-registers quietly on an upgrade', async () => {
    const harness = new TeamsBotHarness();
    const { sent } = await harness.send(install('add-upgrade'));
    expect(await harness.channels.list()).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it('does not register a personal chat', async () => {
    const harness = new TeamsBotHarness();
    await harness.send({
      ...install('add'),
      conversation: { id: 'a:personal', conversationType: 'personal', isGroup: false, name: '' },
      channelData: { tenant: { id: TENANT_ID } },
    });
    expect(await harness.channels.list()).toEqual([]);
  });

  it('registers a group chat', async () => {
    const harness = new TeamsBotHarness();
    await harness.send({
      ...install('add'),
      conversation: { id: '19:chat@thread.v2', conversationType: 'groupChat', isGroup: true, name: 'IR bridge' },
      channelData: { tenant: { id: TENANT_ID } },
    });
    expect(await harness.channels.list()).toMatchObject([
      { conversationId: '19:chat@thread.v2', conversationType: 'groupChat', teamId: null },
    ]);
  });

  it('deactivates every channel of the team when the app is removed', async () => {
    const harness = await installed();
    await harness.send(install('remove'));
    const channels = await harness.channels.list();
    expect(channels.map((c) => [c.conversationId, c.active, c.deactivationReason])).toEqual([
      [SOC_CHANNEL.id, false, 'uninstalled'],
      [OTHER_TEAM_CHANNEL, false, 'uninstalled'],
    ]);
  });

  it('registers when the bot is added as a member, and ignores other members', async () => {
    const harness = new TeamsBotHarness();
    await harness.send(teamEvent('teamMemberAdded', { membersAdded: [{ id: ADELE.teamsId, name: 'Adele' }] }));
    expect(await harness.channels.list()).toEqual([]);
    await harness.send(teamEvent('teamMemberAdded', { membersAdded: [{ ...BOT }] }));
    expect((await harness.channels.list()).map((c) => c.conversationId)).toEqual([GENERAL.id]);
  });

  it.each([
    ['private', 'only its members see these cards'],
    ['shared', 'people from other teams or organizations'],
  ] as const)('a %s channel that admits the bot is registered and told who sees the cards', async (type, says) => {
    const harness = new TeamsBotHarness();
    const channel = { id: `19:${type}-soc@thread.tacv2`, name: `SOC ${type}`, type };
    const { sent } = await harness.send(
      channelActivity(ADELE, {
        type: 'conversationUpdate',
        membersAdded: [{ ...BOT }],
        conversation: { id: channel.id, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID, name: '' },
        channelData: { tenant: { id: TENANT_ID }, team: { ...TEAM }, channel, eventType: 'channelMemberAdded' },
      }),
    );
    expect((await harness.channels.list()).map((c) => [c.conversationId, c.channelName, c.active])).toEqual([
      [channel.id, channel.name, true],
    ]);
    expect(sent.map((a) => a.text)).toHaveLength(1);
    expect(sent[0]!.text).toContain('Agent Warden will post incident cards here');
    expect(sent[0]!.text).toContain(says);
  });

  it('installing in a private channel says so too; a standard channel gets the plain welcome', async () => {
    const harness = new TeamsBotHarness();
    const { sent } = await harness.send(install('add', { ...SOC_CHANNEL, type: 'private' } as typeof SOC_CHANNEL));
    expect(sent[0]!.text).toContain('This is a private channel');
    const standard = new TeamsBotHarness();
    const plain = await standard.send(install('add'));
    expect(plain.sent[0]!.text).not.toContain('channel:');
  });

  it('deactivates when the bot is removed, not when someone else leaves', async () => {
    const harness = await installed();
    await harness.send(teamEvent('teamMemberRemoved', { membersRemoved: [{ id: ADELE.teamsId, name: 'Adele' }] }));
    expect((await harness.channels.list()).every((c) => c.active)).toBe(true);
    await harness.send(teamEvent('teamMemberRemoved', { membersRemoved: [{ ...BOT }] }));
    expect((await harness.channels.list()).map((c) => c.deactivationReason)).toEqual(['botRemoved', 'botRemoved']);
  });

  it.each(['teamDeleted', 'teamHardDeleted'])('deactivates the whole team on %s', async (eventType) => {
    const harness = await installed();
    await harness.send(teamEvent(eventType));
    expect((await harness.channels.list()).map((c) => [c.active, c.deactivationReason])).toEqual([
      [false, 'teamDeleted'],
      [false, 'teamDeleted'],
    ]);
  });

  it('deactivates only the deleted channel', async () => {
    const harness = await installed();
    await harness.send(
      teamEvent('channelDeleted', {
        channelData: {
          tenant: { id: TENANT_ID },
          team: { ...TEAM },
          channel: { id: OTHER_TEAM_CHANNEL, name: 'Old' },
          eventType: 'channelDeleted',
        },
      }),
    );
    expect((await harness.channels.list()).map((c) => [c.conversationId, c.active])).toEqual([
      [SOC_CHANNEL.id, true],
      [OTHER_TEAM_CHANNEL, false],
    ]);
  });

  it('re-activates a channel when the app is installed again', async () => {
    const harness = await installed();
    await harness.send(install('remove'));
    await harness.send(install('add'));
    const soc = (await harness.channels.list()).find((c) => c.conversationId === SOC_CHANNEL.id);
    expect(soc?.active).toBe(true);
  });
});
