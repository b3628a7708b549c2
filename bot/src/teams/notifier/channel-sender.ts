import { DomainError } from '../../domain/errors.js';
// What the notifier needs from Teams: post, update, reply in a thread, read the roster. The botbuilder
// implementation is beside it (botbuilder-channel-sender.ts); tests use it against a fake Bot Connector.
import type { ConversationReference } from 'botbuilder';
import type { AdaptiveCard } from '../cards/adaptive-card-types.js';

/** A message the notifier sends: a card (with a text fallback for notifications) or plain text. */
export interface OutgoingMessage {
  text?: string;
  card?: AdaptiveCard;
}

export interface ChannelSender {
  /** Starts a new thread (or, in a personal chat, sends a message); answers the new activity's id. */
  post(reference: Partial<ConversationReference>, message: OutgoingMessage): Promise<string>;
  /** Replaces a posted message in place; everyone sees the new version. */
  update(reference: Partial<ConversationReference>, activityId: string, message: OutgoingMessage): Promise<void>;
  /** Adds a reply in the thread started by `threadActivityId`; answers the reply's id. */
  reply(reference: Partial<ConversationReference>, threadActivityId: string, message: OutgoingMessage): Promise<string>;
  /** The conversation's members' user ids (29:...), or null when the roster cannot be read. */
  members(reference: Partial<ConversationReference>): Promise<string[] | null>;
}

/**
 * How a failed call to Teams is handled:
 * - retry: 429, 412, 502, 503, 504 (Teams' guidance); the request was refused, so repeating it is safe;
 * - removed: 403 BotNotInConversationRoster / MessageWritesBlocked: stop posting to that conversation;
 * - permanent: anything else Teams answered (400, 401, 403, 404, 413...): repeating would fail again;
 * - unknown: no answer (connection reset, timeout): the request may or may not have been carried out.
 */
export type SendFailureKind = 'retry' | 'removed' | 'permanent' | 'unknown';

/** A post to Teams that failed: how (`kind`), and what Teams answered, when it answered. */
export class SendError extends DomainError {
  constructor(
    readonly kind: SendFailureKind,
    message: string,
    readonly teamsStatus: number | null = null,
    readonly teamsCode: string | null = null,
    /** From Retry-After, when Teams sent one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super('teams_send_failed', message, 502);
  }
}

const RETRYABLE = new Set([412, 429, 502, 503, 504]);
const REMOVED_CODES = new Set(['BotNotInConversationRoster', 'MessageWritesBlocked']);

/** Classifies a Bot Connector answer; `code` is the body's error.code (or a subCode). */
export function classifyFailure(status: number, code: string | null): SendFailureKind {
  if (RETRYABLE.has(status)) return 'retry';
  if (status === 403 && code && REMOVED_CODES.has(code)) return 'removed';
  return 'permanent';
}

/** Retry-After is either seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
