// The notifier: consumes the outbox and keeps the SOC channels' cards in step with the store.
//
// What it does per outbox topic:
// - incident.changed: one card per active channel for a high or critical incident (and at least the channel's
//   min_severity); later changes update that card in place (card_posts.activity_id), and alerts that were
//   not in the card yet get a short reply in its thread. Medium and low incidents are never posted.
// - submission.changed: the approval card in every channel with receives_approvals, updated with the outcome.
// - maker.notify (approval outcomes, "notify maker"): a personal message when the bot has a personal chat
//   with the maker; maker_notices records that it was sent, or why not.
// - agent.changed, user.changed: nothing to post (the response services announce the incidents they touch).
//
// Crash safety. Every outbox message is leased (SKIP LOCKED) and completed only once all its channels are
// done, so a crash or a restart loses nothing: the message is claimed again when the lease runs out, and
// channels already done are skipped (card_posts, compared by content hash). Each card row is itself leased
// by one attempt, so two instances never post or edit the same card at once. A send's outcome is written
// in the same row that was marked before the request:
//   pending --(mark, commit)--> sending --(request)--> [crash window] --(record, commit)--> posted
// A crash (or a lost answer) inside the window leaves 'sending': Teams may or may not have the post, and
// it cannot tell us (the Bot Connector has no read-back or idempotency key for Teams). The choice:
// - a NEW CARD (thread root) or a MAKER MESSAGE is posted again, marked "posted again" in its text, and the
//   new copy is the one kept up to date. Losing a high-severity incident is worse than a rare visible
//   duplicate, and the duplicate only arises when the process dies during that one request (a clean
//   stop() lets in-flight sends finish and record, so deploys and restarts never repeat a post);
// - a THREAD REPLY is not repeated (reply_in_flight is written before it, and counted as sent after a
//   crash): it only announces what the card itself already shows, so nothing is lost;
// - an UPDATE is simply done again: replacing a card with the same content is harmless.
// Teams' refusals are not ambiguous: 429/412/502/503/504 mean nothing was done (retried later with jittered
// exponential back-off, never before Retry-After; attempts and the next attempt time are in the outbox row);
// 403 BotNotInConversationRoster / MessageWritesBlocked deactivates the channel; other errors mark the card
// 'failed' (last_error) rather than retrying forever.
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../../domain/logger.js';
import type { ChannelTarget } from '../../store/channel-repository.js';
import type { CardSubjectType, CardPostRow, NotificationRepository } from '../../store/notification-repository.js';
import type { OutboxMessage } from '../../store/outbox.js';
import type { Store } from '../../store/store.js';
import { severityRank } from '../../domain/types.js';
import type { AdaptiveCard } from '../cards/adaptive-card-types.js';
import { ANONYMOUS_VIEWER } from '../cards/card-views.js';
import type { ApprovalCardView, IncidentCardView } from '../cards/card-views.js';
import { incidentCard } from '../cards/incident-card.js';
import { approvalCard } from '../cards/approval-card.js';
import type { IncidentReader } from '../ports.js';
import type { ChannelSender } from './channel-sender.js';
import { SendError } from './channel-sender.js';
import type { WindowLimit } from './rate-limiter.js';
import { TeamsRateLimiter, retryDelayMs } from './rate-limiter.js';
import type { ConversationReference } from 'botbuilder';

/** Where a maker's personal chat is, when the bot has one: the PersonalChatStore of bot/src/teams/store. */
export interface PersonalChatLookup {
  /** By user id, Entra object id or UPN; null when the bot has no personal chat with them. */
  find(userId: string): Promise<{ reference: Partial<ConversationReference> } | null>;
}

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

/** What the notifier reads and records: the outbox, the channels it posts in, its card posts and notices. */
export type NotifierStore = Pick<Store, 'outbox' | 'channels' | 'notifications'>;

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
  /** Tests: runs after Teams accepted a send and before it is recorded (a crash is simulated here). */
  afterSend?: (event: {
    op: 'post' | 'update' | 'reply';
    conversationId: string;
    activityId: string | null;
  }) => Promise<void>;
}

/** How one channel (or one notice) came out; the message is retried if any says retry. */
type Outcome = { kind: 'done' } | { kind: 'retry'; afterMs: number | null; error: string; busy?: boolean };

const DONE: Outcome = { kind: 'done' };
const REPOSTED_NOTE =
  'Posted again: Agent Warden lost track of an earlier copy of this card (a restart or a network failure while it was sent). This copy is kept up to date.';

export class Notifier {
  readonly store: NotifierStore;
  readonly workerId: string;
  private readonly limiter: TeamsRateLimiter;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly o: Required<Omit<NotifierOptions, 'workerId' | 'threadLimits'>>;
  private readonly rosterReadAt = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();
  private loop: Promise<void> | null = null;
  private running = false;
  private wake: (() => void) | null = null;

  /** The outbox it consumes (tests and the bench read its backlog). */
  get outbox(): Store['outbox'] {
    return this.store.outbox;
  }

  constructor(private readonly deps: NotifierDeps) {
    this.clock = deps.clock ?? (() => Date.now());
    this.random = deps.random ?? Math.random;
    const o = deps.options ?? {};
    this.workerId = o.workerId ?? `notifier-${randomUUID().slice(0, 8)}`;
    this.o = {
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
    this.store = deps.store;
    this.limiter = new TeamsRateLimiter({
      clock: this.clock,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      threadLimits: o.threadLimits,
      appRatePerSecond: this.o.appRatePerSecond,
    });
  }

  /** Polls the outbox in the background until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let n = 0;
        try {
          n = await this.runOnce();
        } catch (err) {
          this.deps.log.error({ error: (err as Error).message }, 'notifier pass failed');
        }
        if (n === 0 && this.running) await this.idle(this.o.pollMs);
      }
    })();
  }

  /** Lets the work in hand finish and be recorded, then stops polling. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** New outbox rows: look now rather than at the next poll. */
  kick(): void {
    this.wake?.();
  }

  /** Claims one batch of due messages and works it; answers how many were claimed. */
  async runOnce(): Promise<number> {
    const batch = await this.store.outbox.claim(this.workerId, this.o.batchSize, this.o.leaseMs);
    let next = 0;
    const worker = async () => {
      while (next < batch.length) await this.process(batch[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, batch.length) }, worker));
    return batch.length;
  }

  /** Works the outbox until nothing is due (messages waiting for a retry time stay). Tests and bench. */
  async drain(maxPasses = 10_000): Promise<void> {
    for (let i = 0; i < maxPasses; i++) if ((await this.runOnce()) === 0) return;
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async process(m: OutboxMessage): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.dispatch(m);
    } catch (err) {
      outcome = { kind: 'retry', afterMs: null, error: `notifier: ${(err as Error).message}` };
    }
    if (outcome.kind === 'done') {
      await this.store.outbox.complete(m.seq);
      return;
    }
    const delay = outcome.busy
      ? this.o.busyRetryMs
      : retryDelayMs(m.attempts, outcome.afterMs, {
          baseMs: this.o.backoffBaseMs,
          maxMs: this.o.backoffMaxMs,
          random: this.random,
        });
    await this.store.outbox.retryLater(m.seq, delay, outcome.error);
    if (!outcome.busy) {
      this.deps.log.info(
        {
          seq: m.seq,
          topic: m.topic,
          attempts: m.attempts,
          delay,
          error: outcome.error,
        },
        'notifier will retry',
      );
    }
  }

  private async dispatch(m: OutboxMessage): Promise<Outcome> {
    switch (m.topic) {
      case 'incident.changed':
        return this.incidentChanged(m.subjectId);
      case 'submission.changed':
        return this.submissionChanged(m.subjectId);
      case 'maker.notify':
        return this.makerNotice(m);
      default:
        return DONE;
    }
  }

  private async incidentChanged(incidentId: string): Promise<Outcome> {
    const base = await this.deps.incidents.incidentCardView(incidentId, null);
    if (!base) return DONE;
    const severity = severityRank(base.incident.severity);
    const posted = new Set(
      (await this.store.notifications.cardPosts('incident', incidentId)).map((p) => p.conversationId),
    );
    const targets = (await this.store.channels.activeTargets()).filter(
      (c) => posted.has(c.conversationId) || severity >= Math.max(severityRank('high'), severityRank(c.minSeverity)),
    );
    return combine(await Promise.all(targets.map((c) => this.syncCard('incident', incidentId, c))));
  }

  private async submissionChanged(submissionId: string): Promise<Outcome> {
    const base = await this.deps.incidents.approvalCardView(submissionId, null);
    if (!base) return DONE;
    const posted = new Set(
      (await this.store.notifications.cardPosts('submission', submissionId)).map((p) => p.conversationId),
    );
    const targets = (await this.store.channels.activeTargets()).filter(
      (c) => posted.has(c.conversationId) || (c.receivesApprovals && base.submission.status === 'pending'),
    );
    return combine(await Promise.all(targets.map((c) => this.syncCard('submission', submissionId, c))));
  }

  /** Brings one card in one channel up to date: post it, or update it and announce new alerts in its thread. */
  private async syncCard(type: CardSubjectType, subjectId: string, channel: ChannelTarget): Promise<Outcome> {
    const conversationId = channel.conversationId;
    const owner = `${this.workerId}:${randomUUID()}`;
    const row = await this.store.notifications.leaseCard(type, subjectId, conversationId, owner, this.o.cardLeaseMs);
    if (!row) return { kind: 'retry', afterMs: null, error: `card busy in ${conversationId}`, busy: true };
    const key = { subjectType: type, subjectId, conversationId };
    const release = () => this.store.notifications.updateCard(key, owner, {}, true);
    try {
      if (row.state === 'failed') return DONE;
      const members = await this.members(channel);
      const built = await this.build(type, subjectId, conversationId, members);
      if (!built) return DONE;
      if (row.state === 'pending' || row.state === 'sending')
        return await this.postCard(key, owner, row, channel, built);
      return await this.refreshCard(key, owner, row, channel, built);
    } catch (err) {
      return { kind: 'retry', afterMs: null, error: `${conversationId}: ${(err as Error).message}` };
    } finally {
      await release().catch(() => undefined);
    }
  }

  private async postCard(
    key: CardKey,
    owner: string,
    row: CardPostRow,
    channel: ChannelTarget,
    built: BuiltCard,
  ): Promise<Outcome> {
    // 'sending' found on a fresh lease: an earlier attempt died (or lost the answer) mid-send. See the top.
    const repost = row.state === 'sending';
    const card = repost || row.reposted ? withNote(built.card, REPOSTED_NOTE) : built.card;
    const slot = await this.slot(key.conversationId);
    if (!slot.ok) return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${key.conversationId}` };
    let activityId: string;
    try {
      const marked = await this.store.notifications.updateCard(
        key,
        owner,
        { state: 'sending', incrementSendCount: true, leaseMs: this.o.cardLeaseMs },
        false,
      );
      if (!marked)
        return { kind: 'retry', afterMs: null, error: `lost the card lease in ${key.conversationId}`, busy: true };
      if (repost) this.deps.log.error({ ...key }, 'posting a card again after an unknown send outcome');
      activityId = requireActivityId(await this.deps.sender.post(channel.reference, { card, text: built.summary }));
    } catch (err) {
      return this.sendFailed(err, key, owner, 'post');
    } finally {
      slot.done();
    }
    await this.deps.afterSend?.({ op: 'post', conversationId: key.conversationId, activityId });
    await this.store.notifications.updateCard(
      key,
      owner,
      {
        state: 'posted',
        activityId,
        contentHash: hashCard(card),
        announcedAlertIds: built.alertIds,
        announcedAlertCount: built.alertCount,
        replyInFlight: null,
        reposted: repost || row.reposted,
        postedNow: true,
        lastError: null,
      },
      false,
    );
    await this.store.channels.notePost(key.conversationId);
    return DONE;
  }

  private async refreshCard(
    key: CardKey,
    owner: string,
    row: CardPostRow,
    channel: ChannelTarget,
    built: BuiltCard,
  ): Promise<Outcome> {
    const activityId = row.activityId!;
    const card = row.reposted ? withNote(built.card, REPOSTED_NOTE) : built.card;
    const hash = hashCard(card);
    if (hash !== row.contentHash) {
      const slot = await this.slot(key.conversationId);
      if (!slot.ok) return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${key.conversationId}` };
      try {
        await this.deps.sender.update(channel.reference, activityId, { card, text: built.summary });
      } catch (err) {
        return this.sendFailed(err, key, owner, 'update');
      } finally {
        slot.done();
      }
      await this.deps.afterSend?.({ op: 'update', conversationId: key.conversationId, activityId });
      await this.store.notifications.updateCard(key, owner, { contentHash: hash, leaseMs: this.o.cardLeaseMs }, false);
    }

    // A reply that was in flight when an earlier attempt died counts as sent: the card already shows it.
    let announced = [...row.announcedAlertIds, ...(row.replyInFlight ?? [])];
    let announcedCount = Math.max(row.announcedAlertCount, announced.length);
    const fresh = built.alerts.filter((a) => !announced.includes(a.id));
    const unnamed = Math.max(0, built.alertCount - announcedCount - fresh.length);
    if (fresh.length === 0 && unnamed === 0) {
      if (row.replyInFlight) {
        await this.store.notifications.updateCard(
          key,
          owner,
          { announcedAlertIds: announced, announcedAlertCount: announcedCount, replyInFlight: null },
          false,
        );
      }
      return DONE;
    }
    const slot = await this.slot(key.conversationId);
    if (!slot.ok) return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${key.conversationId}` };
    const inFlight = fresh.map((a) => a.id);
    let replyId: string;
    try {
      const marked = await this.store.notifications.updateCard(
        key,
        owner,
        {
          announcedAlertIds: announced,
          announcedAlertCount: announcedCount,
          replyInFlight: inFlight,
          leaseMs: this.o.cardLeaseMs,
        },
        false,
      );
      if (!marked)
        return { kind: 'retry', afterMs: null, error: `lost the card lease in ${key.conversationId}`, busy: true };
      replyId = await this.deps.sender.reply(channel.reference, activityId, {
        text: alertReply(fresh, unnamed, built),
      });
    } catch (err) {
      return this.sendFailed(err, key, owner, 'reply');
    } finally {
      slot.done();
    }
    await this.deps.afterSend?.({ op: 'reply', conversationId: key.conversationId, activityId: replyId });
    announced = [...announced, ...inFlight];
    announcedCount = Math.max(built.alertCount, announced.length);
    await this.store.notifications.updateCard(
      key,
      owner,
      { announcedAlertIds: announced, announcedAlertCount: announcedCount, replyInFlight: null },
      false,
    );
    await this.store.channels.notePost(key.conversationId);
    return DONE;
  }

  private async sendFailed(
    err: unknown,
    key: CardKey,
    owner: string,
    op: 'post' | 'update' | 'reply',
  ): Promise<Outcome> {
    const e = err instanceof SendError ? err : new SendError('unknown', (err as Error)?.message ?? String(err));
    const where = `${op} in ${key.conversationId}`;
    switch (e.kind) {
      case 'retry':
        if (e.status === 429) this.limiter.pause(key.conversationId, e.retryAfterMs ?? this.o.backoffBaseMs);
        // Refused: nothing was posted, so a new card is still to be posted; a refused reply is still to be sent.
        await this.store.notifications.updateCard(
          key,
          owner,
          op === 'post'
            ? { state: 'pending', lastError: `${where}: ${e.message}` }
            : op === 'reply'
              ? { replyInFlight: null, lastError: `${where}: ${e.message}` }
              : { lastError: `${where}: ${e.message}` },
          false,
        );
        return { kind: 'retry', afterMs: e.retryAfterMs, error: `${where}: ${e.message}` };
      case 'removed':
        await this.store.notifications.updateCard(
          key,
          owner,
          {
            ...(op === 'post' ? { state: 'pending' as const } : {}),
            ...(op === 'reply' ? { replyInFlight: null } : {}),
            lastError: `${where}: ${e.message}`,
          },
          false,
        );
        await this.store.channels.deactivate(key.conversationId, 'botRemoved');
        this.deps.log.info(
          {
            conversationId: key.conversationId,
            code: e.code,
          },
          'channel deactivated: Teams refused the bot',
        );
        return DONE;
      case 'permanent':
        await this.store.notifications.updateCard(
          key,
          owner,
          op === 'reply'
            ? { replyInFlight: null, lastError: `${where}: ${e.message}` }
            : { state: 'failed', lastError: `${where}: ${e.message}` },
          false,
        );
        this.deps.log.error({ ...key, op, status: e.status, code: e.code }, 'Teams refused a card');
        return DONE;
      case 'unknown':
        // A post stays 'sending' (posted again next time); a reply stays in flight (not repeated).
        await this.store.notifications.updateCard(key, owner, { lastError: `${where}: ${e.message}` }, false);
        return { kind: 'retry', afterMs: null, error: `${where}: ${e.message}` };
    }
  }

  /** The channel's member ids for the card's refresh list, re-read from Teams when old. */
  private async members(channel: ChannelTarget): Promise<string[] | null> {
    const readAt = this.rosterReadAt.get(channel.conversationId);
    const fresh = readAt !== undefined && this.clock() - readAt < this.o.membersMaxAgeMs;
    if (fresh) return channel.memberIds;
    const slot = await this.limiter.acquire(null, this.o.maxLimiterWaitMs);
    if (!slot.ok) return channel.memberIds;
    this.rosterReadAt.set(channel.conversationId, this.clock());
    try {
      const ids = await this.deps.sender.members(channel.reference);
      if (ids === null) return channel.memberIds;
      await this.store.channels.saveMembers(channel.conversationId, ids);
      return ids;
    } catch {
      return channel.memberIds;
    }
  }

  private async build(
    type: CardSubjectType,
    subjectId: string,
    conversationId: string,
    members: string[] | null,
  ): Promise<BuiltCard | null> {
    if (type === 'incident') {
      const view = await this.deps.incidents.incidentCardView(subjectId, conversationId);
      if (!view) return null;
      return incidentBuilt(members ? { ...view, audience: { userIds: members } } : view);
    }
    const view = await this.deps.incidents.approvalCardView(subjectId, conversationId);
    if (!view) return null;
    return approvalBuilt(members ? { ...view, audience: { userIds: members } } : view);
  }

  private async makerNotice(m: OutboxMessage): Promise<Outcome> {
    const recipient = m.subjectId;
    const message =
      typeof m.payload.message === 'string' ? m.payload.message : 'Agent Warden has news about your agent.';
    const owner = `${this.workerId}:${randomUUID()}`;
    const lease = await this.store.notifications.leaseNotice(m.seq, recipient, message, owner, this.o.cardLeaseMs);
    if (!lease) return { kind: 'retry', afterMs: null, error: 'notice busy', busy: true };
    const { row, abandoned } = lease;
    const release = (set: Parameters<NotificationRepository['updateNotice']>[2]) =>
      this.store.notifications.updateNotice(m.seq, owner, set, true);
    if (row.state === 'sent' || row.state === 'noPersonalChat' || row.state === 'failed') {
      await release({ state: row.state, reason: row.reason });
      return DONE;
    }
    const reference = this.deps.personalChats
      ? ((await this.deps.personalChats.find(recipient))?.reference ?? null)
      : null;
    if (!reference?.conversation?.id) {
      await release({ state: 'noPersonalChat', reason: `the bot has no personal chat with ${recipient}` });
      return DONE;
    }
    const conversationId = reference.conversation.id;
    const slot = await this.slot(conversationId);
    if (!slot.ok) {
      await release({ state: row.state });
      return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${conversationId}` };
    }
    // As for a new card: an unknown earlier outcome is sent again, and says so.
    const text = abandoned ? `${message}\n\n(Sent again: an earlier copy may have reached you.)` : message;
    let activityId: string;
    try {
      await this.store.notifications.updateNotice(m.seq, owner, { state: 'sending' }, false);
      activityId = requireActivityId(await this.deps.sender.post(reference, { text }));
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError('unknown', (err as Error)?.message ?? String(err));
      if (e.kind === 'retry') {
        if (e.status === 429) this.limiter.pause(conversationId, e.retryAfterMs ?? this.o.backoffBaseMs);
        await release({ state: 'pending', reason: e.message });
        return { kind: 'retry', afterMs: e.retryAfterMs, error: `maker notice to ${recipient}: ${e.message}` };
      }
      if (e.kind === 'unknown') {
        await release({ state: 'sending', reason: e.message });
        return { kind: 'retry', afterMs: null, error: `maker notice to ${recipient}: ${e.message}` };
      }
      await release({ state: 'failed', reason: `Teams refused the message: ${e.message}` });
      return DONE;
    } finally {
      slot.done();
    }
    await this.deps.afterSend?.({ op: 'post', conversationId, activityId });
    await release({ state: 'sent', activityId, resent: abandoned });
    return DONE;
  }

  /**
   * A turn to write to `conversationId` within Teams' limits: one write at a time per conversation (in this
   * instance), waited for through the limiter. `done()` after the answer.
   */
  private async slot(
    conversationId: string,
  ): Promise<{ ok: true; done: () => void } | { ok: false; retryInMs: number }> {
    const unlock = await this.lock(conversationId);
    const r = await this.limiter.acquire(conversationId, this.o.maxLimiterWaitMs);
    if (!r.ok) {
      unlock();
      return r;
    }
    return {
      ok: true,
      done: () => {
        this.limiter.settle(conversationId);
        unlock();
      },
    };
  }

  private async lock(key: string): Promise<() => void> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    };
  }
}

type CardKey = { subjectType: CardSubjectType; subjectId: string; conversationId: string };

interface BuiltCard {
  card: AdaptiveCard;
  summary: string;
  alerts: { id: string; title: string; severity: string }[];
  alertIds: string[];
  alertCount: number;
  title: string;
}

function incidentBuilt(view: IncidentCardView): BuiltCard {
  const { incident } = view;
  return {
    card: incidentCard(view, ANONYMOUS_VIEWER),
    summary: `${incident.severity.toUpperCase()} incident: ${incident.title}`,
    alerts: view.alerts.map((a) => ({ id: a.id, title: a.title, severity: a.severity })),
    alertIds: view.alerts.map((a) => a.id),
    alertCount: Math.max(incident.alertCount, view.alerts.length),
    title: incident.title,
  };
}

const APPROVAL_SUMMARY: Record<ApprovalCardView['submission']['status'], string> = {
  pending: 'Approval needed',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Approval request expired',
};

function approvalBuilt(view: ApprovalCardView): BuiltCard {
  return {
    card: approvalCard(view, ANONYMOUS_VIEWER),
    summary: `${APPROVAL_SUMMARY[view.submission.status]}: ${view.agent.name} ${view.submission.version}`,
    alerts: [],
    alertIds: [],
    alertCount: 0,
    title: view.agent.name,
  };
}

function alertReply(fresh: BuiltCard['alerts'], unnamed: number, built: BuiltCard): string {
  const named = fresh.map((a) => `${a.title} (${a.severity})`);
  const total = fresh.length + unnamed;
  const head = total === 1 ? 'New alert' : `${total} new alerts`;
  const list = named.length ? `: ${named.join('; ')}` : '';
  return `${head}${list}. The card above is updated (${built.alertCount} alerts in all).`;
}

/** A post is recorded only with Teams' id for it; without one its outcome is unknown (posted again, marked). */
function requireActivityId(activityId: string | null | undefined): string {
  if (typeof activityId === 'string' && activityId) return activityId;
  throw new SendError('unknown', 'Teams gave no activity id for the post');
}

function withNote(card: AdaptiveCard, note: string): AdaptiveCard {
  return {
    ...card,
    body: [...card.body, { type: 'TextBlock', text: note, wrap: true, isSubtle: true, size: 'small', separator: true }],
  };
}

function hashCard(card: AdaptiveCard): string {
  return createHash('sha256').update(JSON.stringify(card)).digest('hex');
}

function combine(outcomes: Outcome[]): Outcome {
  const retries = outcomes.filter((o): o is Extract<Outcome, { kind: 'retry' }> => o.kind === 'retry');
  if (retries.length === 0) return DONE;
  const afterMs = retries.reduce<number | null>(
    (max, r) => (r.afterMs === null ? max : Math.max(max ?? 0, r.afterMs)),
    null,
  );
  return {
    kind: 'retry',
    afterMs,
    error: retries.map((r) => r.error).join('; '),
    busy: retries.every((r) => r.busy),
  };
}
