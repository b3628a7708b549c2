// Keeping the cards in the SOC channels in step with the store: which channels get a subject's card, and for
// one card in one channel, posting it, updating it in place, and announcing new alerts in its thread. Each
// card row is leased by one attempt (two instances never post or edit the same card at once), and a send's
// outcome is written in the same row that was marked before the request (the crash window: notifier.ts).
import { randomUUID } from 'node:crypto';
import { severityRank } from '../../domain/types.js';
import type { ChannelTarget } from '../../store/channel-repository.js';
import type { CardKey, CardPostRow, CardSubjectType } from '../../store/notification-repository.js';
import type { IncidentReader } from '../ports.js';
import type { CardOp, Outcome } from './failure-policy.js';
import { DONE, asSendError, busy, cardFailure, combine, requireActivityId } from './failure-policy.js';
import type { NotificationCard } from './notification-card.js';
import {
  REPOSTED_NOTE,
  alertReply,
  approvalNotification,
  hashCard,
  incidentNotification,
  withNote,
} from './notification-card.js';
import type { NotifierContext } from './notifier-options.js';
import type { PostingLock } from './posting-lock.js';

export class ChannelCards {
  private readonly rosterReadAt = new Map<string, number>();

  constructor(
    private readonly ctx: NotifierContext,
    private readonly incidents: Pick<IncidentReader, 'incidentCardView' | 'approvalCardView'>,
    private readonly lock: PostingLock,
    private readonly clock: () => number,
  ) {}

  /** incident.changed: a card in each channel that takes the incident's severity (high at least), or has one. */
  async incidentChanged(incidentId: string): Promise<Outcome> {
    const base = await this.incidents.incidentCardView(incidentId, null);
    if (!base) return DONE;
    const severity = severityRank(base.incident.severity);
    const { notifications, channels } = this.ctx.store;
    const posted = new Set((await notifications.cardPosts('incident', incidentId)).map((p) => p.conversationId));
    const targets = (await channels.activeTargets()).filter(
      (c) => posted.has(c.conversationId) || severity >= Math.max(severityRank('high'), severityRank(c.minSeverity)),
    );
    return combine(await Promise.all(targets.map((c) => this.syncCard('incident', incidentId, c))));
  }

  /** submission.changed: the approval card in each channel that receives approvals (while pending), or has one. */
  async submissionChanged(submissionId: string): Promise<Outcome> {
    const base = await this.incidents.approvalCardView(submissionId, null);
    if (!base) return DONE;
    const { notifications, channels } = this.ctx.store;
    const posted = new Set((await notifications.cardPosts('submission', submissionId)).map((p) => p.conversationId));
    const targets = (await channels.activeTargets()).filter(
      (c) => posted.has(c.conversationId) || (c.receivesApprovals && base.submission.status === 'pending'),
    );
    return combine(await Promise.all(targets.map((c) => this.syncCard('submission', submissionId, c))));
  }

  /** Brings one card in one channel up to date: post it, or update it and announce new alerts in its thread. */
  private async syncCard(type: CardSubjectType, subjectId: string, channel: ChannelTarget): Promise<Outcome> {
    const { notifications } = this.ctx.store;
    const conversationId = channel.conversationId;
    const owner = `${this.ctx.workerId}:${randomUUID()}`;
    const row = await notifications.leaseCard(type, subjectId, conversationId, owner, this.ctx.options.cardLeaseMs);
    if (!row) return busy(`card busy in ${conversationId}`);
    const key = { subjectType: type, subjectId, conversationId };
    const release = () => notifications.updateCard(key, owner, {}, true);
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
    built: NotificationCard,
  ): Promise<Outcome> {
    const { notifications, channels } = this.ctx.store;
    // 'sending' found on a fresh lease: an earlier attempt died (or lost the answer) mid-send. See notifier.ts.
    const repost = row.state === 'sending';
    const card = repost || row.reposted ? withNote(built.card, REPOSTED_NOTE) : built.card;
    const slot = await this.lock.slot(key.conversationId);
    if (!slot.ok) return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${key.conversationId}` };
    let activityId: string;
    try {
      const marked = await notifications.updateCard(
        key,
        owner,
        { state: 'sending', incrementSendCount: true, leaseMs: this.ctx.options.cardLeaseMs },
        false,
      );
      if (!marked) return busy(`lost the card lease in ${key.conversationId}`);
      if (repost) this.ctx.log.error({ ...key }, 'posting a card again after an unknown send outcome');
      activityId = requireActivityId(await this.ctx.sender.post(channel.reference, { card, text: built.summary }));
    } catch (err) {
      return this.sendFailed(err, key, owner, 'post');
    } finally {
      slot.done();
    }
    await this.ctx.afterSend?.({ op: 'post', conversationId: key.conversationId, activityId });
    await notifications.updateCard(
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
    await channels.notePost(key.conversationId);
    return DONE;
  }

  private async refreshCard(
    key: CardKey,
    owner: string,
    row: CardPostRow,
    channel: ChannelTarget,
    built: NotificationCard,
  ): Promise<Outcome> {
    const { notifications, channels } = this.ctx.store;
    const activityId = row.activityId!;
    const card = row.reposted ? withNote(built.card, REPOSTED_NOTE) : built.card;
    const hash = hashCard(card);
    if (hash !== row.contentHash) {
      const slot = await this.lock.slot(key.conversationId);
      if (!slot.ok) return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${key.conversationId}` };
      try {
        await this.ctx.sender.update(channel.reference, activityId, { card, text: built.summary });
      } catch (err) {
        return this.sendFailed(err, key, owner, 'update');
      } finally {
        slot.done();
      }
      await this.ctx.afterSend?.({ op: 'update', conversationId: key.conversationId, activityId });
      await notifications.updateCard(key, owner, { contentHash: hash, leaseMs: this.ctx.options.cardLeaseMs }, false);
    }

    // A reply that was in flight when an earlier attempt died counts as sent: the card already shows it.
    let announced = [...row.announcedAlertIds, ...(row.replyInFlight ?? [])];
    let announcedCount = Math.max(row.announcedAlertCount, announced.length);
    const fresh = built.alerts.filter((a) => !announced.includes(a.id));
    const unnamed = Math.max(0, built.alertCount - announcedCount - fresh.length);
    if (fresh.length === 0 && unnamed === 0) {
      if (row.replyInFlight) {
        await notifications.updateCard(
          key,
          owner,
          { announcedAlertIds: announced, announcedAlertCount: announcedCount, replyInFlight: null },
          false,
        );
      }
      return DONE;
    }
    const slot = await this.lock.slot(key.conversationId);
    if (!slot.ok) return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${key.conversationId}` };
    const inFlight = fresh.map((a) => a.id);
    let replyId: string;
    try {
      const marked = await notifications.updateCard(
        key,
        owner,
        {
          announcedAlertIds: announced,
          announcedAlertCount: announcedCount,
          replyInFlight: inFlight,
          leaseMs: this.ctx.options.cardLeaseMs,
        },
        false,
      );
      if (!marked) return busy(`lost the card lease in ${key.conversationId}`);
      replyId = await this.ctx.sender.reply(channel.reference, activityId, {
        text: alertReply(fresh, unnamed, built),
      });
    } catch (err) {
      return this.sendFailed(err, key, owner, 'reply');
    } finally {
      slot.done();
    }
    await this.ctx.afterSend?.({ op: 'reply', conversationId: key.conversationId, activityId: replyId });
    announced = [...announced, ...inFlight];
    announcedCount = Math.max(built.alertCount, announced.length);
    await notifications.updateCard(
      key,
      owner,
      { announcedAlertIds: announced, announcedAlertCount: announcedCount, replyInFlight: null },
      false,
    );
    await channels.notePost(key.conversationId);
    return DONE;
  }

  /** Applies the failure policy (failure-policy.ts) to a card send that threw. */
  private async sendFailed(err: unknown, key: CardKey, owner: string, op: CardOp): Promise<Outcome> {
    const e = asSendError(err);
    const failure = cardFailure(e, op, key.conversationId);
    if (e.kind === 'retry' && e.teamsStatus === 429) {
      this.lock.limiter.pause(key.conversationId, e.retryAfterMs ?? this.ctx.options.backoffBaseMs);
    }
    await this.ctx.store.notifications.updateCard(key, owner, failure.set, false);
    if (failure.deactivateChannel) {
      await this.ctx.store.channels.deactivate(key.conversationId, 'botRemoved');
      this.ctx.log.info(
        { conversationId: key.conversationId, code: e.teamsCode },
        'channel deactivated: Teams refused the bot',
      );
    }
    if (failure.refused)
      this.ctx.log.error({ ...key, op, status: e.teamsStatus, code: e.teamsCode }, 'Teams refused a card');
    return failure.outcome;
  }

  /** The channel's member ids for the card's refresh list, re-read from Teams when old. */
  private async members(channel: ChannelTarget): Promise<string[] | null> {
    const readAt = this.rosterReadAt.get(channel.conversationId);
    const fresh = readAt !== undefined && this.clock() - readAt < this.ctx.options.membersMaxAgeMs;
    if (fresh) return channel.memberIds;
    const slot = await this.lock.limiter.acquire(null, this.ctx.options.maxLimiterWaitMs);
    if (!slot.ok) return channel.memberIds;
    this.rosterReadAt.set(channel.conversationId, this.clock());
    try {
      const ids = await this.ctx.sender.members(channel.reference);
      if (ids === null) return channel.memberIds;
      await this.ctx.store.channels.saveMembers(channel.conversationId, ids);
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
  ): Promise<NotificationCard | null> {
    if (type === 'incident') {
      const view = await this.incidents.incidentCardView(subjectId, conversationId);
      if (!view) return null;
      return incidentNotification(members ? { ...view, audience: { userIds: members } } : view);
    }
    const view = await this.incidents.approvalCardView(subjectId, conversationId);
    if (!view) return null;
    return approvalNotification(members ? { ...view, audience: { userIds: members } } : view);
  }
}
