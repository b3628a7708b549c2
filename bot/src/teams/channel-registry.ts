// Where the bot may post: registered when the app is installed in a team or group chat, deactivated when
// it is removed, the team is deleted or the channel is deleted.
import { teamsGetChannelId, teamsGetTeamInfo, teamsGetTenant } from 'botbuilder';
import type { Logger } from '../domain/logger.js';
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { conversationIdOf } from './activity-identity.js';
import type { ChannelDeactivationReason, ChannelRef, ChannelStore } from './ports.js';

export interface ChannelRegistryDeps {
  channels: ChannelStore;
  clock: () => Date;
  log: Logger;
}

/** The conversation an install or bot-membership event is about; null for personal chats (no SOC posts there). */
export function channelRefFrom(activity: Activity, at: Date): ChannelRef | null {
  const type = activity.conversation?.conversationType;
  const team = teamsGetTeamInfo(activity);
  const conversationType = type === 'channel' || team ? 'channel' : type === 'groupChat' ? 'groupChat' : null;
  if (!conversationType || !activity.serviceUrl) return null;
  const conversationId = (conversationType === 'channel' && teamsGetChannelId(activity)) || conversationIdOf(activity);
  if (!conversationId) return null;
  const tenantId = teamsGetTenant(activity)?.id ?? activity.conversation.tenantId ?? null;
  const reference: Partial<ConversationReference> = {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    bot: activity.recipient,
    conversation: {
      id: conversationId,
      isGroup: true,
      conversationType,
      tenantId: tenantId ?? undefined,
      name: activity.conversation.name ?? '',
    },
  };
  return {
    conversationId,
    conversationType,
    tenantId,
    teamId: team?.id ?? null,
    teamName: team?.name ?? null,
    channelName: channelNameOf(activity),
    serviceUrl: activity.serviceUrl,
    reference,
    registeredBy: activity.from?.aadObjectId ?? null,
    registeredAt: at.toISOString(),
  };
}

function channelNameOf(activity: Activity): string | null {
  const data: unknown = activity.channelData;
  if (data && typeof data === 'object' && 'channel' in data) {
    const channel = (data as { channel?: { name?: unknown } }).channel;
    if (typeof channel?.name === 'string') return channel.name;
  }
  return activity.conversation?.name ?? null;
}

/** channelData.channel.type (Teams: standard, shared or private); standard when Teams does not say. */
export function channelKindOf(activity: Activity): 'standard' | 'private' | 'shared' {
  const data: unknown = activity.channelData;
  const type =
    data && typeof data === 'object' && 'channel' in data
      ? (data as { channel?: { type?: unknown } }).channel?.type
      : undefined;
  return type === 'private' || type === 'shared' ? type : 'standard';
}

const WELCOME = 'Agent Warden will post incident cards here. Mention me with **help** to see what I can do.';

/**
 * What the bot says when it arrives in a channel. A private or shared channel works like any other, but who
 * sees the cards differs, and the team's admin must allow the bot in each such channel (Teams installs apps
 * per team), so the message says both.
 */
export function welcomeText(kind: 'standard' | 'private' | 'shared'): string {
  if (kind === 'private')
    return (
      `${WELCOME}\n\nThis is a private channel: only its members see these cards. Other private channels get ` +
      'cards only once a team owner adds Agent Warden to them (channel settings, Apps).'
    );
  if (kind === 'shared')
    return (
      `${WELCOME}\n\nThis is a shared channel: people from other teams or organizations who are in it see these ` +
      'cards too. Acting on a card still needs an Agent Warden role in this tenant.'
    );
  return WELCOME;
}

const botIsAmong = (activity: Activity, members: Activity['membersAdded']): boolean =>
  (members ?? []).some((m) => m.id === activity.recipient?.id);

export interface ChannelRegistry {
  /** installationUpdate: add (and add-upgrade) registers; remove (and remove-upgrade) deactivates. */
  onInstallationUpdate(context: TurnContext): Promise<void>;
  /** conversationUpdate membersAdded / membersRemoved: acts only when the member is the bot itself. */
  onMembersAdded(context: TurnContext): Promise<void>;
  onMembersRemoved(context: TurnContext): Promise<void>;
  /** conversationUpdate teamDeleted / teamHardDeleted: every channel of the team. */
  onTeamDeleted(context: TurnContext): Promise<void>;
  onChannelDeleted(context: TurnContext): Promise<void>;
}

export function createChannelRegistry(deps: ChannelRegistryDeps): ChannelRegistry {
  const register = async (context: TurnContext): Promise<ChannelRef | null> => {
    const ref = channelRefFrom(context.activity, deps.clock());
    if (!ref) return null;
    await deps.channels.upsertChannel(ref);
    deps.log.info({ conversationId: ref.conversationId, teamId: ref.teamId }, 'channel registered');
    return ref;
  };

  /** The conversation, and every other registered channel of the same team when the team goes. */
  const deactivate = async (context: TurnContext, reason: ChannelDeactivationReason, wholeTeam: boolean) => {
    const conversationId = teamsGetChannelId(context.activity) || conversationIdOf(context.activity);
    const teamId = teamsGetTeamInfo(context.activity)?.id ?? null;
    const ids = new Set<string>(conversationId ? [conversationId] : []);
    if (wholeTeam && teamId) {
      for (const c of await deps.channels.list()) if (c.teamId === teamId && c.active) ids.add(c.conversationId);
    }
    for (const id of ids) await deps.channels.deactivate(id, reason);
    deps.log.info({ reason, conversationIds: [...ids] }, 'channels deactivated');
  };

  return {
    async onInstallationUpdate(context) {
      const action = context.activity.action ?? '';
      if (action.startsWith('remove')) return deactivate(context, 'uninstalled', true);
      if (!action.startsWith('add')) return;
      const ref = await register(context);
      if (ref && action === 'add') await context.sendActivity(welcomeText(channelKindOf(context.activity)));
    },
    async onMembersAdded(context) {
      if (!botIsAmong(context.activity, context.activity.membersAdded)) return;
      const ref = await register(context);
      // A private or shared channel admits the bot with this event alone (no installationUpdate): greet there.
      const kind = channelKindOf(context.activity);
      if (ref && kind !== 'standard') await context.sendActivity(welcomeText(kind));
    },
    async onMembersRemoved(context) {
      if (botIsAmong(context.activity, context.activity.membersRemoved)) await deactivate(context, 'botRemoved', true);
    },
    async onTeamDeleted(context) {
      await deactivate(context, 'teamDeleted', true);
    },
    async onChannelDeleted(context) {
      await deactivate(context, 'channelDeleted', false);
    },
  };
}
