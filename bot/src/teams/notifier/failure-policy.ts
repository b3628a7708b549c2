// What the notifier does when a send fails, and when an outbox message is tried again. Teams' refusals are not
// ambiguous: 429/412/502/503/504 mean nothing was done (tried again later with jittered exponential back-off,
// never before Retry-After; attempts and the next attempt time are in the outbox row); 403
// BotNotInConversationRoster / MessageWritesBlocked deactivates the channel; other refusals mark the card
// 'failed' (last_error) rather than retrying forever. A send whose answer was lost has an unknown outcome: a
// new card or a maker message is posted again (marked), a thread reply is not repeated (see notifier.ts).
import type { CardPostUpdate, MakerNoticeUpdate } from '../../store/notification-repository.js';
import { SendError } from './channel-sender.js';
import type { ResolvedNotifierOptions } from './notifier-options.js';
import { retryDelayMs } from './rate-limiter.js';

/** How one channel (or one notice) came out; the outbox message is tried again if any says retry. */
export type Outcome = { kind: 'done' } | { kind: 'retry'; afterMs: number | null; error: string; busy?: boolean };

export const DONE: Outcome = { kind: 'done' };

/** Another worker holds the card or notice: try again soon, without logging. */
export const busy = (error: string): Outcome => ({ kind: 'retry', afterMs: null, error, busy: true });

/** The outcome of a message from its channels' outcomes: done when all are, else the longest wait asked for. */
export function combine(outcomes: Outcome[]): Outcome {
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

/** When the outbox message comes back: soon when only busy, else after the back-off (never before Retry-After). */
export function retryDelay(
  attempts: number,
  outcome: Extract<Outcome, { kind: 'retry' }>,
  o: Pick<ResolvedNotifierOptions, 'busyRetryMs' | 'backoffBaseMs' | 'backoffMaxMs'>,
  random: () => number,
): number {
  return outcome.busy
    ? o.busyRetryMs
    : retryDelayMs(attempts, outcome.afterMs, { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs, random });
}

/** Anything a send threw, as a SendError: what is not one has an unknown outcome. */
export function asSendError(err: unknown): SendError {
  return err instanceof SendError ? err : new SendError('unknown', (err as Error)?.message ?? String(err));
}

/** A post is recorded only with Teams' id for it; without one its outcome is unknown (posted again, marked). */
export function requireActivityId(activityId: string | null | undefined): string {
  if (typeof activityId === 'string' && activityId) return activityId;
  throw new SendError('unknown', 'Teams gave no activity id for the post');
}

export type CardOp = 'post' | 'update' | 'reply';

/** What a failed card send changes: the card's row, whether the channel is dropped, and the outcome. */
export interface CardFailure {
  set: CardPostUpdate;
  deactivateChannel: boolean;
  /** Teams refused the card for good: worth an error in the log. */
  refused: boolean;
  outcome: Outcome;
}

export function cardFailure(e: SendError, op: CardOp, conversationId: string): CardFailure {
  const where = `${op} in ${conversationId}`;
  const lastError = `${where}: ${e.message}`;
  switch (e.kind) {
    case 'retry':
      // Refused: nothing was posted, so a new card is still to be posted; a refused reply is still to be sent.
      return {
        set:
          op === 'post'
            ? { state: 'pending', lastError }
            : op === 'reply'
              ? { replyInFlight: null, lastError }
              : { lastError },
        deactivateChannel: false,
        refused: false,
        outcome: { kind: 'retry', afterMs: e.retryAfterMs, error: lastError },
      };
    case 'removed':
      return {
        set: {
          ...(op === 'post' ? { state: 'pending' as const } : {}),
          ...(op === 'reply' ? { replyInFlight: null } : {}),
          lastError,
        },
        deactivateChannel: true,
        refused: false,
        outcome: DONE,
      };
    case 'permanent':
      return {
        set: op === 'reply' ? { replyInFlight: null, lastError } : { state: 'failed', lastError },
        deactivateChannel: false,
        refused: true,
        outcome: DONE,
      };
    case 'unknown':
      // A post stays 'sending' (posted again next time); a reply stays in flight (not repeated).
      return {
        set: { lastError },
        deactivateChannel: false,
        refused: false,
        outcome: { kind: 'retry', afterMs: null, error: lastError },
      };
  }
}

/** What a failed message to a maker records on its notice, and the outcome. */
export function makerFailure(e: SendError, recipient: string): { set: MakerNoticeUpdate; outcome: Outcome } {
  const error = `maker notice to ${recipient}: ${e.message}`;
  if (e.kind === 'retry') {
    return { set: { state: 'pending', reason: e.message }, outcome: { kind: 'retry', afterMs: e.retryAfterMs, error } };
  }
  if (e.kind === 'unknown') {
    return { set: { state: 'sending', reason: e.message }, outcome: { kind: 'retry', afterMs: null, error } };
  }
  return { set: { state: 'failed', reason: `Teams refused the message: ${e.message}` }, outcome: DONE };
}
