// What the notifier is given (its dependencies and tuning) and the defaults it runs with.
import type { ConversationReference } from 'botbuilder';
import type { Logger } from '../../domain/logger.js';
import type { Store } from '../../store/store.js';
import type { IncidentReader } from '../ports.js';
import type { ChannelSender } from './channel-sender.js';
import type { WindowLimit } from './rate-limiter.js';

/** Where a maker's personal chat is, when the bot has one: the store's PersonalChatStore. */
export interface PersonalChatLookup {
  /** By user id, Entra object id or UPN; null when the bot has no personal chat with them. */
  find(userId: string): Promise<{ reference: Partial<ConversationReference> } | null>;
}

/** What the notifier reads and records: the outbox, the channels it posts in, its card posts and notices. */
export type NotifierStore = Pick<Store, 'outbox' | 'channels' | 'notifications'>;

export interface NotifierOptions {
  /** Names this instance in outbox and card leases. */
  workerId?: string;
  /** Idle wait between polls of an empty outbox. */
  pollMs?: number;
  batchSize?: number;
  /** Outbox messages worked on at once. */
  concurrency?: number;
  /** Outbox message lease; must outlast the work on one message. */
  leaseMs?: number;
  /** Card row lease; must outlast one send. */
  cardLeaseMs?: number;
  /** Longer limiter waits are not slept: the message comes back after them. */
  maxLimiterWaitMs?: number;
  /** Re-read a channel's roster when older than this. */
  membersMaxAgeMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Back-off when another worker holds the card. */
  busyRetryMs?: number;
  appRatePerSecond?: number;
  threadLimits?: readonly WindowLimit[];
}

/** The options with every default filled in (the worker id and thread limits are handled apart). */
export type ResolvedNotifierOptions = Required<Omit<NotifierOptions, 'workerId' | 'threadLimits'>>;

export function resolveNotifierOptions(o: NotifierOptions): ResolvedNotifierOptions {
  return {
    pollMs: o.pollMs ?? 250,
    batchSize: o.batchSize ?? 16,
    concurrency: o.concurrency ?? 4,
    leaseMs: o.leaseMs ?? 120_000,
    cardLeaseMs: o.cardLeaseMs ?? 60_000,
    maxLimiterWaitMs: o.maxLimiterWaitMs ?? 5_000,
    membersMaxAgeMs: o.membersMaxAgeMs ?? 3_600_000,
    backoffBaseMs: o.backoffBaseMs ?? 1_000,
    backoffMaxMs: o.backoffMaxMs ?? 300_000,
    busyRetryMs: o.busyRetryMs ?? 500,
    appRatePerSecond: o.appRatePerSecond ?? 50,
  };
}

/** Tests: runs after Teams accepted a send and before it is recorded (a crash is simulated here). */
export type AfterSend = (event: {
  op: 'post' | 'update' | 'reply';
  conversationId: string;
  activityId: string | null;
}) => Promise<void>;

export interface NotifierDeps {
  store: NotifierStore;
  sender: ChannelSender;
  incidents: Pick<IncidentReader, 'incidentCardView' | 'approvalCardView'>;
  personalChats: PersonalChatLookup | null;
  log: Logger;
  /** Milliseconds; the limiter's clock. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  options?: NotifierOptions;
  afterSend?: AfterSend;
}

/** What the notifier's parts share: built once by the Notifier and handed to each. */
export interface NotifierContext {
  store: NotifierStore;
  sender: ChannelSender;
  log: Logger;
  workerId: string;
  options: ResolvedNotifierOptions;
  afterSend?: AfterSend;
}
