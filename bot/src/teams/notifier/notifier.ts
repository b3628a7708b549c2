// The notifier: consumes the outbox and keeps the SOC channels' cards in step with the store. This file is its
// outbox loop (claim, dispatch by topic, complete or retry later); the work lives beside it:
// channel-cards.ts (a subject's card in each channel), notification-card.ts (the card a notification posts),
// maker-messages.ts (personal messages to makers), failure-policy.ts (failed sends and retries),
// posting-lock.ts (one write at a time per conversation, within Teams' limits), notifier-options.ts.
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
// Teams' refusals are not ambiguous (failure-policy.ts): nothing was done, so they are retried, or they drop
// the channel, or they mark the card 'failed'.
import { randomUUID } from 'node:crypto';
import type { OutboxMessage } from '../../store/outbox.js';
import { ChannelCards } from './channel-cards.js';
import type { Outcome } from './failure-policy.js';
import { DONE, retryDelay } from './failure-policy.js';
import { MakerMessages } from './maker-messages.js';
import type { NotifierDeps, NotifierStore, ResolvedNotifierOptions } from './notifier-options.js';
import { resolveNotifierOptions } from './notifier-options.js';
import { PostingLock } from './posting-lock.js';
import { TeamsRateLimiter } from './rate-limiter.js';

export type { NotifierDeps, NotifierOptions, NotifierStore, PersonalChatLookup } from './notifier-options.js';

export class Notifier {
  readonly store: NotifierStore;
  readonly workerId: string;
  private readonly random: () => number;
  private readonly o: ResolvedNotifierOptions;
  private readonly cards: ChannelCards;
  private readonly makers: MakerMessages;
  private loop: Promise<void> | null = null;
  private running = false;
  private wake: (() => void) | null = null;

  /** The outbox it consumes (tests and the bench read its backlog). */
  get outbox(): NotifierStore['outbox'] {
    return this.store.outbox;
  }

  constructor(private readonly deps: NotifierDeps) {
    const clock = deps.clock ?? (() => Date.now());
    this.random = deps.random ?? Math.random;
    const o = deps.options ?? {};
    this.workerId = o.workerId ?? `notifier-${randomUUID().slice(0, 8)}`;
    this.o = resolveNotifierOptions(o);
    this.store = deps.store;
    const limiter = new TeamsRateLimiter({
      clock,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      threadLimits: o.threadLimits,
      appRatePerSecond: this.o.appRatePerSecond,
    });
    const lock = new PostingLock(limiter, this.o.maxLimiterWaitMs);
    const ctx = {
      store: deps.store,
      sender: deps.sender,
      log: deps.log,
      workerId: this.workerId,
      options: this.o,
      afterSend: deps.afterSend,
    };
    this.cards = new ChannelCards(ctx, deps.incidents, lock, clock);
    this.makers = new MakerMessages(ctx, deps.personalChats, lock);
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
    const delay = retryDelay(m.attempts, outcome, this.o, this.random);
    await this.store.outbox.retryLater(m.seq, delay, outcome.error);
    if (!outcome.busy) {
      this.deps.log.info(
        { seq: m.seq, topic: m.topic, attempts: m.attempts, delay, error: outcome.error },
        'notifier will retry',
      );
    }
  }

  /** agent.changed and user.changed post nothing: the response services announce the incidents they touch. */
  private async dispatch(m: OutboxMessage): Promise<Outcome> {
    switch (m.topic) {
      case 'incident.changed':
        return this.cards.incidentChanged(m.subjectId);
      case 'submission.changed':
        return this.cards.submissionChanged(m.subjectId);
      case 'maker.notify':
        return this.makers.send(m);
      default:
        return DONE;
    }
  }
}
