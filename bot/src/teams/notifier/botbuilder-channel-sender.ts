// ChannelSender over botbuilder: every call is a proactive turn, `adapter.continueConversationAsync(botAppId,
// reference, ...)`, so the adapter's credentials and token cache are the bot endpoint's own.
import { CardFactory, MessageFactory, TeamsInfo } from 'botbuilder';
import type { Activity, CloudAdapterBase, ConversationReference, TurnContext } from 'botbuilder';
import type { ChannelSender, OutgoingMessage } from './channel-sender.js';
import { SendError, classifyFailure, parseRetryAfter } from './channel-sender.js';

export interface BotbuilderChannelSenderOptions {
  adapter: Pick<CloudAdapterBase, 'continueConversationAsync' | 'ConnectorClientKey'>;
  botAppId: string;
  /** Roster pages to read at most (the refresh list needs 61 ids at most to know it is too long). */
  memberPageSize?: number;
  clock?: () => number;
  /**
   * A call without an answer by then counts as 'unknown' (botbuilder sets no timeout, and a stalled connection
   * would hold the conversation's turn for good). The notifier's card lease must outlast it.
   */
  timeoutMs?: number;
}

/** The connector's HTTP pipeline retries 429/5xx by itself, invisibly and unpersisted: the notifier owns retries. */
const SDK_RETRY_POLICIES = [
  'defaultRetryPolicy',
  'exponentialRetryPolicy',
  'throttlingRetryPolicy',
  'systemErrorRetryPolicy',
];

export class BotbuilderChannelSender implements ChannelSender {
  private readonly clock: () => number;

  constructor(private readonly options: BotbuilderChannelSenderOptions) {
    this.clock = options.clock ?? (() => Date.now());
  }

  async post(reference: Partial<ConversationReference>, message: OutgoingMessage): Promise<string> {
    return this.turn(reference, async (ctx) => {
      const sent = await ctx.sendActivity(toActivity(message));
      if (!sent?.id) throw new SendError('unknown', 'Teams accepted the message without an activity id');
      return sent.id;
    });
  }

  async update(reference: Partial<ConversationReference>, activityId: string, message: OutgoingMessage): Promise<void> {
    await this.turn(reference, async (ctx) => {
      await ctx.updateActivity({ ...toActivity(message), id: activityId, conversation: ctx.activity.conversation });
    });
  }

  async reply(
    reference: Partial<ConversationReference>,
    threadActivityId: string,
    message: OutgoingMessage,
  ): Promise<string> {
    // A channel thread is its own conversation: "<channel id>;messageid=<root id>".
    const base = reference.conversation?.id ?? '';
    const thread = {
      ...reference,
      conversation: { ...reference.conversation!, id: `${base};messageid=${threadActivityId}` },
    };
    return this.post(thread, message);
  }

  async members(reference: Partial<ConversationReference>): Promise<string[] | null> {
    try {
      return await this.turn(reference, async (ctx) => {
        const ids: string[] = [];
        let token: string | undefined;
        do {
          const page = await TeamsInfo.getPagedMembers(ctx, this.options.memberPageSize ?? 100, token);
          ids.push(...page.members.map((m) => m.id));
          token = page.continuationToken;
        } while (token);
        return ids;
      });
    } catch (err) {
      if (err instanceof SendError && err.kind === 'removed') throw err;
      return null;
    }
  }

  private async turn<T>(reference: Partial<ConversationReference>, fn: (ctx: TurnContext) => Promise<T>): Promise<T> {
    // An error thrown inside the turn goes to the adapter's onTurnError, and the turn then ends normally: a 429
    // would look like success. The turn logic keeps the outcome itself, and it is judged after the turn.
    let outcome: TurnOutcome<T> | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      await Promise.race([
        this.options.adapter.continueConversationAsync(this.options.botAppId, reference, async (ctx) => {
          try {
            withoutSdkRetries(ctx.turnState.get(this.options.adapter.ConnectorClientKey));
            outcome = { ok: true, value: await fn(ctx) };
          } catch (error) {
            outcome = { ok: false, error };
          }
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new SendError('unknown', `no answer from Teams within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      throw this.toSendError(err);
    } finally {
      clearTimeout(timer);
    }
    // Set inside the callback, which TypeScript's flow analysis does not see.
    const settled = outcome as TurnOutcome<T> | null;
    if (settled === null) throw new SendError('unknown', 'the proactive turn ended without running');
    if (!settled.ok) throw this.toSendError(settled.error);
    return settled.value;
  }

  private toSendError(err: unknown): SendError {
    if (err instanceof SendError) return err;
    const e = err as {
      statusCode?: number;
      message?: string;
      details?: unknown;
      response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: string | null };
    };
    const status = typeof e?.statusCode === 'number' ? e.statusCode : null;
    if (status === null) return new SendError('unknown', `no answer from Teams: ${e?.message ?? String(err)}`);
    const code = errorCode(e.details) ?? errorCode(safeJson(e.response?.bodyAsText));
    const retryAfterMs = parseRetryAfter(e.response?.headers?.get?.('retry-after'), this.clock());
    const kind = classifyFailure(status, code);
    return new SendError(kind, `Teams answered ${status}${code ? ` ${code}` : ''}`, status, code, retryAfterMs);
  }
}

type TurnOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

function toActivity(message: OutgoingMessage): Partial<Activity> {
  if (message.card) {
    const activity = MessageFactory.attachment(CardFactory.adaptiveCard(message.card));
    if (message.text) activity.summary = message.text;
    return activity;
  }
  return MessageFactory.text(message.text ?? '');
}

function withoutSdkRetries(client: unknown): void {
  const pipeline = (client as { client?: { pipeline?: { removePolicy(o: { name: string }): unknown } } } | undefined)
    ?.client?.pipeline;
  if (!pipeline) return;
  for (const name of SDK_RETRY_POLICIES) pipeline.removePolicy({ name });
}

function safeJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** `{ error: { code, subCode? } }` as the Bot Connector (and Teams) answer errors. */
function errorCode(body: unknown): string | null {
  if (!body || typeof body !== 'object') return null;
  const error = (body as { error?: { code?: unknown; subCode?: unknown; innerHttpError?: unknown } }).error;
  if (!error || typeof error !== 'object') return null;
  if (typeof error.subCode === 'string' && error.subCode) return error.subCode;
  return typeof error.code === 'string' ? error.code : null;
}
