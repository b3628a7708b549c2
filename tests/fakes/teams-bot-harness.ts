// Drives the real teams-ai Application over botbuilder's TestAdapter with Teams-shaped activities,
// and collects what the bot sent back in each turn.
import { TestAdapter } from 'botbuilder';
import type { Activity } from 'botbuilder';
import type { AdaptiveCard } from '../../bot/src/teams/cards/adaptive-card-types.js';
import type { AdaptiveCardInvokeBody } from '../../bot/src/teams/invoke-answer.js';
import type { Logger } from '../../bot/src/domain/logger.js';
import type { TeamsBot, TeamsBotDeps } from '../../bot/src/teams/teams-bot.js';
import { createTeamsBot } from '../../bot/src/teams/teams-bot.js';
import { FakeChannelStore } from './teams-channel-store.js';
import { FakeHuntRunner } from './teams-hunt-runner.js';
import type { TeamsPerson } from './teams-principals.js';
import { ADELE, FakePrincipalResolver } from './teams-principals.js';
import { FakeSocWorld } from './teams-soc-world.js';

export const BOT = { id: '28:warden-bot', name: 'Agent Warden' };
export const TENANT_ID = 'tenant-zava';
export const TEAM = { id: '19:team-security@thread.tacv2', name: 'Security', aadGroupId: 'group-security' };
export const SOC_CHANNEL = { id: '19:soc@thread.tacv2', name: 'SOC' };
export const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

export class RecordingLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'error'; message: string; fields: object }[] = [];
  info(fields: object, message: string): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(fields: object, message: string): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(fields: object, message: string): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

/** An activity in the SOC channel of the Security team, from `person`. */
export function channelActivity(person: TeamsPerson, fields: Partial<Activity>): Partial<Activity> {
  return {
    channelId: 'msteams',
    serviceUrl: SERVICE_URL,
    from: { id: person.teamsId, name: person.principal.displayName, aadObjectId: person.aadObjectId },
    recipient: { ...BOT },
    conversation: {
      id: SOC_CHANNEL.id,
      conversationType: 'channel',
      isGroup: true,
      tenantId: TENANT_ID,
      name: '',
    },
    channelData: { tenant: { id: TENANT_ID }, team: { ...TEAM }, channel: { ...SOC_CHANNEL } },
    ...fields,
  };
}

export interface TurnResult {
  /** Everything the bot sent in the turn, invoke responses excluded. */
  sent: Partial<Activity>[];
  /** Every invoke response the turn produced (there must be exactly one for an invoke). */
  invokeResponses: { status: number; body: AdaptiveCardInvokeBody }[];
  /** Messages the bot updated in place (updateActivity). */
  updated: Partial<Activity>[];
}

export class TeamsBotHarness {
  readonly world: FakeSocWorld;
  readonly channels = new FakeChannelStore();
  readonly principals = new FakePrincipalResolver();
  readonly hunting = new FakeHuntRunner();
  readonly log = new RecordingLogger();
  readonly bot: TeamsBot;
  private readonly adapter: TestAdapter;
  private readonly updates: Partial<Activity>[] = [];

  constructor(overrides: Partial<TeamsBotDeps> = {}, world = new FakeSocWorld()) {
    this.world = world;
    this.bot = createTeamsBot({
      channels: this.channels,
      incidents: world.reader,
      principals: this.principals,
      actions: world.actions,
      hunting: this.hunting,
      clock: () => new Date('2026-11-24T10:00:00.000Z'),
      log: this.log,
      ...overrides,
    });
    this.adapter = new TestAdapter(async (context) => {
      await this.bot.app.run(context);
    });
    const update = this.adapter.updateActivity.bind(this.adapter);
    this.adapter.updateActivity = (context, activity) => {
      this.updates.push(activity);
      return update(context, activity);
    };
  }

  async send(activity: Partial<Activity>): Promise<TurnResult> {
    await this.adapter.processActivity(activity);
    const out = this.adapter.activeQueue.splice(0);
    return {
      sent: out.filter((a) => a.type !== 'invokeResponse'),
      invokeResponses: out
        .filter((a) => a.type === 'invokeResponse')
        .map((a) => a.value as { status: number; body: AdaptiveCardInvokeBody }),
      updated: this.updates.splice(0),
    };
  }

  /** Clicks an Action.Execute button (or Teams refreshes the card) as `person`; returns the one invoke response. */
  async invoke(
    verb: string,
    data: Record<string, unknown>,
    person: TeamsPerson = ADELE,
    trigger: 'manual' | 'automatic' = 'manual',
  ): Promise<{ status: number; body: AdaptiveCardInvokeBody }> {
    const { invokeResponses } = await this.send(
      channelActivity(person, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId: 'card-message-1',
        conversation: {
          id: `${SOC_CHANNEL.id};messageid=card-message-1`,
          conversationType: 'channel',
          isGroup: true,
          tenantId: TENANT_ID,
          name: '',
        },
        value: { action: { type: 'Action.Execute', verb, data }, trigger },
      }),
    );
    if (invokeResponses.length !== 1) throw new Error(`expected one invoke response, got ${invokeResponses.length}`);
    return invokeResponses[0]!;
  }

  /** Says `text` to the bot in the SOC channel, mentioning it first as Teams does. */
  async say(text: string, person: TeamsPerson = ADELE): Promise<Partial<Activity>[]> {
    const mention = `<at>${BOT.name}</at>`;
    const { sent } = await this.send(
      channelActivity(person, {
        type: 'message',
        text: `${mention} ${text}`,
        entities: [{ type: 'mention', mentioned: { ...BOT }, text: mention }],
      }),
    );
    return sent;
  }
}

/** The Adaptive Card of a sent message, if it carries one. */
export function cardOf(activity: Partial<Activity> | undefined): AdaptiveCard | null {
  const attachment = activity?.attachments?.[0];
  return attachment?.contentType === 'application/vnd.microsoft.card.adaptive'
    ? (attachment.content as AdaptiveCard)
    : null;
}
