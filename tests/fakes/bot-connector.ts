// A Bot Connector service (the `serviceUrl` Teams gives a bot) over real HTTP, for the notifier's tests and
// bench. It speaks the v3 REST API botbuilder's ConnectorClient calls:
//   POST /v3/conversations/{conversationId}/activities                 send (a new thread in a channel;
//        a conversation id ending in ";messageid={rootId}" replies in that thread)
//   POST /v3/conversations/{conversationId}/activities/{activityId}    reply to an activity
//   PUT  /v3/conversations/{conversationId}/activities/{activityId}    update an activity
//   GET  /v3/conversations/{conversationId}/pagedmembers               roster
// Errors answer like the service: `{ error: { code, message } }`, 429 with Retry-After (seconds). It can
// enforce Teams' per-thread limits on its own clock (7/1 s, 8/2 s, 60/30 s, 1800/h per conversation) and
// be told to fail the next calls, to refuse a random share of writes (chaos), to remove the bot from a
// conversation, or to block writes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorMessage {
  activityId: string;
  conversationId: string;
  /** The thread's root for a reply; null for a new thread. */
  threadId: string | null;
  /**
   * The activity this one was sent in answer to (the `{activityId}` of `POST .../activities/{activityId}`, which a
   * turn's `sendActivity` uses), whether or not it threads; null for a plain post.
   */
  replyTo: string | null;
  text: string | null;
  /** The first attachment's content (an Adaptive Card), if any. */
  card: Record<string, unknown> | null;
  /** Every version, oldest first: [0] as posted, then each update. */
  versions: { at: number; text: string | null; card: Record<string, unknown> | null }[];
  postedAt: number;
}

export interface ConnectorRequest {
  at: number;
  method: string;
  op: 'post' | 'reply' | 'update' | 'members' | 'other';
  conversationId: string;
  status: number;
}

export interface ScriptedFailure {
  status: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** Only for this conversation (base id, without ;messageid=). */
  conversationId?: string;
  op?: ConnectorRequest['op'];
  /**
   * 'refuse' (default) answers the error without doing anything; 'afterAccept' carries the request out and
   * then answers the error (a gateway that lost the service's answer).
   */
  mode?: 'refuse' | 'afterAccept';
}

export interface FakeBotConnectorOptions {
  /** The connector's clock, shared with the notifier under test; defaults to Date.now. */
  clock?: () => number;
  /** Enforce Teams' per-conversation rate limits with 429s. */
  enforceRateLimits?: boolean;
  /** Refuse a share of posts, replies and updates at random (a soak): nothing is done, the error is answered. */
  chaos?: ConnectorChaos;
}

export interface ConnectorChaos {
  /** 0..1: the share of writes refused. */
  share: number;
  /** Picked from in turn by `random`. */
  statuses: number[];
  retryAfterSeconds: number;
  /** Seeded, so that a run can be repeated. */
  random: () => number;
}

const THREAD_LIMITS = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];

export class FakeBotConnector {
  readonly messages: ConnectorMessage[] = [];
  /** Typing indicators the bot sent, which Teams does not keep as messages. */
  readonly typing: { conversationId: string; replyTo: string | null; at: number }[] = [];
  readonly requests: ConnectorRequest[] = [];
  /** Members per conversation (user ids 29:...). */
  readonly rosters = new Map<string, { id: string; name: string; aadObjectId: string }[]>();
  private readonly failures: ScriptedFailure[] = [];
  private readonly removed = new Set<string>();
  private readonly writesBlocked = new Set<string>();
  private readonly writeTimes = new Map<string, number[]>();
  private server: http.Server | null = null;
  private nextId = 1_732_440_000_000;
  private hangNext: { conversationId?: string; op?: ConnectorRequest['op'] } | null = null;
  private stallNext: { conversationId?: string; op?: ConnectorRequest['op'] } | null = null;
  private omitIdNext: { conversationId?: string; op?: ConnectorRequest['op'] } | null = null;
  private readonly clock: () => number;
  url = '';

  constructor(private readonly options: FakeBotConnectorOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** The next matching requests answer this error (each entry is used once). */
  failNext(failure: ScriptedFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  /** The app was removed from the team: every call there answers 403 BotNotInConversationRoster. */
  removeBot(conversationId: string): void {
    this.removed.add(conversationId);
  }

  /** Writes to the conversation are blocked: 403 MessageWritesBlocked. */
  blockWrites(conversationId: string): void {
    this.writesBlocked.add(conversationId);
  }

  /** The next matching write is carried out, and then the connection is dropped without an answer. */
  dropAnswerOfNext(match: { conversationId?: string; op?: ConnectorRequest['op'] } = {}): void {
    this.hangNext = match;
  }

  /** The next matching write is carried out, and the answer never comes (the connection stays open). */
  stallAnswerOfNext(match: { conversationId?: string; op?: ConnectorRequest['op'] } = {}): void {
    this.stallNext = match;
  }

  /** The next matching post is carried out and answered 201 with an empty body (no activity id). */
  omitIdOfNext(match: { conversationId?: string; op?: ConnectorRequest['op'] } = {}): void {
    this.omitIdNext = match;
  }

  /** Thread roots (new posts) in a conversation, oldest first. */
  threads(conversationId: string): ConnectorMessage[] {
    return this.messages.filter((m) => m.conversationId === conversationId && m.threadId === null);
  }

  repliesTo(conversationId: string, threadId: string): ConnectorMessage[] {
    return this.messages.filter((m) => m.conversationId === conversationId && m.threadId === threadId);
  }

  /** Times of the writes (posts, replies, updates) Teams accepted in a conversation. */
  acceptedWrites(conversationId: string): number[] {
    return this.requests
      .filter((r) => r.conversationId === conversationId && r.op !== 'members' && r.status < 300)
      .map((r) => r.at);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://connector');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (parts[0] !== 'v3' || parts[1] !== 'conversations' || !parts[2]) {
      return this.answer(res, 404, { error: { code: 'NotFound', message: `No route ${method} ${url.pathname}` } });
    }
    const [conversationId, threadFromId] = splitThread(parts[2]);
    // Teams threads by conversation id ("<channel>;messageid=<root>"). A replyToId that names a thread root
    // of the channel replies there too; any other replyToId (botbuilder sets one on proactive turns) is ignored.
    const replyTo = method === 'POST' && parts[4] ? parts[4] : null;
    const threadId =
      threadFromId ??
      (replyTo && this.messages.some((m) => m.conversationId === conversationId && m.activityId === replyTo)
        ? replyTo
        : null);
    const op: ConnectorRequest['op'] =
      parts[3] === 'pagedmembers' || parts[3] === 'members'
        ? 'members'
        : parts[3] === 'activities' && method === 'POST'
          ? threadId
            ? 'reply'
            : 'post'
          : parts[3] === 'activities' && method === 'PUT' && parts[4]
            ? 'update'
            : 'other';
    const at = this.clock();
    const record = (status: number) => this.requests.push({ at, method, op, conversationId, status });

    if (this.removed.has(conversationId)) {
      record(403);
      return this.answer(res, 403, {
        error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' },
      });
    }
    if (op !== 'members' && this.writesBlocked.has(conversationId)) {
      record(403);
      return this.answer(res, 403, {
        error: { code: 'MessageWritesBlocked', message: 'Thread is blocked from message writes.' },
      });
    }
    const failure = this.takeFailure(conversationId, op) ?? this.chaosFailure(op);
    if (failure && (failure.mode ?? 'refuse') === 'refuse') {
      record(failure.status);
      return this.answerFailure(res, failure);
    }
    if (op !== 'members' && op !== 'other' && this.options.enforceRateLimits) {
      const wait = this.throttle(conversationId, at);
      if (wait > 0) {
        record(429);
        return this.answer(
          res,
          429,
          { error: { code: 'Throttled', message: 'Too many requests to this conversation.' } },
          { 'retry-after': String(Math.ceil(wait / 1000)) },
        );
      }
    }

    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      record(400);
      return this.answer(res, 400, { error: { code: 'BadArgument', message: 'The body is not JSON.' } });
    }
    const activity = (body ?? {}) as {
      type?: string;
      text?: string;
      attachments?: { contentType?: string; content?: Record<string, unknown> }[];
    };
    const card = activity.attachments?.[0]?.content ?? null;
    const text = activity.text ?? null;

    let status = 200;
    let answer: unknown;
    if (op === 'members') {
      const members = this.rosters.get(conversationId) ?? [];
      answer = {
        members: members.map((m) => ({
          ...m,
          userPrincipalName: `${m.name.split(' ')[0]!.toLowerCase()}@zava.example`,
        })),
      };
    } else if ((op === 'post' || op === 'reply') && activity.type === 'typing') {
      // A typing indicator (teams-ai sends one a second while a turn runs): Teams shows it for a moment, it is
      // not a message of the conversation.
      this.typing.push({ conversationId, replyTo, at });
      answer = {};
    } else if (op === 'post' || op === 'reply') {
      const activityId = String(this.nextId++);
      this.messages.push({
        activityId,
        conversationId,
        threadId: op === 'reply' ? threadId : null,
        replyTo,
        text,
        card,
        versions: [{ at, text, card }],
        postedAt: at,
      });
      status = 201;
      answer = { id: activityId };
    } else if (op === 'update') {
      const target = this.messages.find((m) => m.conversationId === conversationId && m.activityId === parts[4]);
      if (!target) {
        record(404);
        return this.answer(res, 404, { error: { code: 'NotFound', message: 'Activity not found.' } });
      }
      target.text = text;
      target.card = card;
      target.versions.push({ at, text, card });
      answer = { id: target.activityId };
    } else {
      record(404);
      return this.answer(res, 404, { error: { code: 'NotFound', message: `No route ${method} ${url.pathname}` } });
    }

    if (op !== 'members') this.noteWrite(conversationId, at);
    if (failure) {
      // Carried out, but the caller hears an error.
      record(failure.status);
      return this.answerFailure(res, failure);
    }
    if (this.hangNext && matches(this.hangNext, conversationId, op) && op !== 'members') {
      this.hangNext = null;
      record(status);
      req.socket.destroy();
      return;
    }
    if (this.stallNext && matches(this.stallNext, conversationId, op) && op !== 'members') {
      this.stallNext = null;
      record(status);
      return;
    }
    if (this.omitIdNext && matches(this.omitIdNext, conversationId, op) && (op === 'post' || op === 'reply')) {
      this.omitIdNext = null;
      record(status);
      return this.answer(res, status, {});
    }
    record(status);
    return this.answer(res, status, answer);
  }

  private chaosFailure(op: ConnectorRequest['op']): ScriptedFailure | null {
    const chaos = this.options.chaos;
    if (!chaos || (op !== 'post' && op !== 'reply' && op !== 'update')) return null;
    if (chaos.random() >= chaos.share) return null;
    const status = chaos.statuses[Math.floor(chaos.random() * chaos.statuses.length)]!;
    return { status, retryAfterSeconds: chaos.retryAfterSeconds };
  }

  private takeFailure(conversationId: string, op: ConnectorRequest['op']): ScriptedFailure | null {
    const i = this.failures.findIndex((f) => matches(f, conversationId, op));
    if (i < 0) return null;
    return this.failures.splice(i, 1)[0]!;
  }

  /** Ms until this conversation may be written again under Teams' limits (0: now). */
  private throttle(conversationId: string, at: number): number {
    const times = this.writeTimes.get(conversationId) ?? [];
    let wait = 0;
    for (const { limit, windowMs } of THREAD_LIMITS) {
      const inWindow = times.filter((t) => t > at - windowMs);
      if (inWindow.length >= limit) wait = Math.max(wait, inWindow[inWindow.length - limit]! + windowMs - at);
    }
    return wait;
  }

  private noteWrite(conversationId: string, at: number): void {
    const times = this.writeTimes.get(conversationId) ?? [];
    times.push(at);
    this.writeTimes.set(
      conversationId,
      times.filter((t) => t > at - 3_600_000),
    );
  }

  private answerFailure(res: http.ServerResponse, f: ScriptedFailure): void {
    const headers: Record<string, string> = {};
    if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
    this.answer(
      res,
      f.status,
      { error: { code: f.code ?? defaultCode(f.status), message: f.message ?? `Scripted ${f.status}` } },
      headers,
    );
  }

  private answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }
}

function splitThread(id: string): [string, string | null] {
  const m = /^(.*);messageid=(.+)$/.exec(id);
  return m ? [m[1]!, m[2]!] : [id, null];
}

function matches(
  f: { conversationId?: string; op?: ConnectorRequest['op'] },
  conversationId: string,
  op: ConnectorRequest['op'],
): boolean {
  return (!f.conversationId || f.conversationId === conversationId) && (!f.op || f.op === op);
}

function defaultCode(status: number): string {
  switch (status) {
    case 412:
      return 'PreconditionFailed';
    case 429:
      return 'Throttled';
    case 502:
      return 'ServiceError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    case 413:
      return 'MessageSizeTooBig';
    default:
      return 'BadRequest';
  }
}
