// maker.notify (approval outcomes, "notify maker"): a personal message to the maker when the bot has a personal
// chat with them; maker_notices records that it was sent, or why not. Leased like a card, and like a new card
// a message whose earlier outcome is unknown is sent again and says so.
import { randomUUID } from 'node:crypto';
import type { MakerNoticeUpdate } from '../../store/notification-repository.js';
import type { OutboxMessage } from '../../store/outbox.js';
import type { Outcome } from './failure-policy.js';
import { DONE, asSendError, busy, makerFailure, requireActivityId } from './failure-policy.js';
import type { NotifierContext, PersonalChatLookup } from './notifier-options.js';
import type { PostingLock } from './posting-lock.js';

const DEFAULT_MESSAGE = 'Agent Warden has news about your agent.';

export class MakerMessages {
  constructor(
    private readonly ctx: NotifierContext,
    private readonly personalChats: PersonalChatLookup | null,
    private readonly lock: PostingLock,
  ) {}

  async send(m: OutboxMessage): Promise<Outcome> {
    const { notifications } = this.ctx.store;
    const recipient = m.subjectId;
    const message = typeof m.payload.message === 'string' ? m.payload.message : DEFAULT_MESSAGE;
    const owner = `${this.ctx.workerId}:${randomUUID()}`;
    const lease = await notifications.leaseNotice(m.seq, recipient, message, owner, this.ctx.options.cardLeaseMs);
    if (!lease) return busy('notice busy');
    const { row, abandoned } = lease;
    const release = (set: MakerNoticeUpdate) => notifications.updateNotice(m.seq, owner, set, true);
    if (row.state === 'sent' || row.state === 'noPersonalChat' || row.state === 'failed') {
      await release({ state: row.state, reason: row.reason });
      return DONE;
    }
    const reference = this.personalChats ? ((await this.personalChats.find(recipient))?.reference ?? null) : null;
    if (!reference?.conversation?.id) {
      await release({ state: 'noPersonalChat', reason: `the bot has no personal chat with ${recipient}` });
      return DONE;
    }
    const conversationId = reference.conversation.id;
    const slot = await this.lock.slot(conversationId);
    if (!slot.ok) {
      await release({ state: row.state });
      return { kind: 'retry', afterMs: slot.retryInMs, error: `rate limit in ${conversationId}` };
    }
    // As for a new card: an unknown earlier outcome is sent again, and says so.
    const text = abandoned ? `${message}\n\n(Sent again: an earlier copy may have reached you.)` : message;
    let activityId: string;
    try {
      await notifications.updateNotice(m.seq, owner, { state: 'sending' }, false);
      activityId = requireActivityId(await this.ctx.sender.post(reference, { text }));
    } catch (err) {
      const e = asSendError(err);
      if (e.kind === 'retry' && e.teamsStatus === 429) {
        this.lock.limiter.pause(conversationId, e.retryAfterMs ?? this.ctx.options.backoffBaseMs);
      }
      const failure = makerFailure(e, recipient);
      await release(failure.set);
      return failure.outcome;
    } finally {
      slot.done();
    }
    await this.ctx.afterSend?.({ op: 'post', conversationId, activityId });
    await release({ state: 'sent', activityId, resent: abandoned });
    return DONE;
  }
}
