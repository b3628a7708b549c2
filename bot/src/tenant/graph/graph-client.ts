import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { UpstreamError } from '../../domain/errors.js';

// Microsoft Graph with app-only access (client credentials), over @microsoft/microsoft-graph-client; a call can
// instead carry a person's delegated token (GraphRequestOptions.delegatedToken).
//
// The client's own AuthenticationHandler only attaches tokens to https Graph hosts (and strips the header
// elsewhere), so a local fake on http://127.0.0.1 would never see one: the middleware chain here is ours:
//   RetryHandler (429/503/504, honours Retry-After, bounded) -> token + rate limit -> HTTPMessageHandler.
// Every failure leaves this module as an UpstreamError carrying Graph's status, error code and message.

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const SERVICE = 'Microsoft Graph';

export interface GraphSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Graph's root without the version, e.g. https://graph.microsoft.com */
  baseUrl: string;
  /** Entra's login root, e.g. https://login.microsoftonline.com */
  loginUrl: string;
  /** Retries of a throttled (429) or unavailable (503/504) request; at most 10 (the client's limit). */
  maxRetries?: number;
  /** A Retry-After longer than this (seconds) is not waited for: the request fails with Graph's 429. */
  maxRetryAfterSeconds?: number;
  /** Requests per rolling minute on /security/ resources (Graph allows 150 per app per tenant). */
  securityRequestsPerMinute?: number;
}

export interface GraphRequestOptions {
  version?: 'v1.0' | 'beta';
  headers?: Record<string, string>;
  /**
   * A delegated access token to send instead of the app-only one: the call is made as that person
   * (Teams app catalog review, which Graph allows only with delegated permissions).
   */
  delegatedToken?: string;
}

/** Carries a delegated token through the middleware chain (it stays on the request across retries). */
class DelegatedToken implements MiddlewareOptions {
  constructor(readonly token: string) {}
}

interface Page<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

/** Client-credentials tokens from Entra, kept until a minute before they expire; one fetch at a time. */
export class ClientCredentialsTokens {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  /** How many tokens were fetched (tests and diagnostics). */
  fetched = 0;

  constructor(
    private readonly settings: Pick<GraphSettings, 'tenantId' | 'clientId' | 'clientSecret' | 'loginUrl'>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const url = `${this.settings.loginUrl}/${encodeURIComponent(this.settings.tenantId)}/oauth2/v2.0/token`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.settings.clientId,
          client_secret: this.settings.clientSecret,
          scope: GRAPH_SCOPE,
        }),
      });
    } catch (err) {
      throw new UpstreamError('Entra ID', 0, 'unreachable', (err as Error).message);
    }
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    };
    if (!res.ok || !body.access_token) {
      throw new UpstreamError(
        'Entra ID',
        res.status,
        body.error ?? 'invalid_response',
        body.error_description ?? 'the token endpoint returned no access_token',
      );
    }
    this.fetched += 1;
    const lifetime = Math.max(0, (body.expires_in ?? 3599) - 60) * 1000;
    this.cached = { token: body.access_token, expiresAt: this.now() + lifetime };
    return body.access_token;
  }
}

/**
 * At most `limit` requests in any rolling window; a caller over the budget waits for the oldest to age out.
 * `now` and `sleep` are parameters so the accounting can be checked without waiting.
 */
export class RollingWindowLimiter {
  private readonly sent: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  async take(): Promise<void> {
    for (;;) {
      const t = this.now();
      while (this.sent.length && this.sent[0]! <= t - this.windowMs) this.sent.shift();
      if (this.sent.length < this.limit) {
        this.sent.push(t);
        return;
      }
      await this.sleep(this.sent[0]! + this.windowMs - t);
    }
  }
}

/** Adds the bearer token, and holds /security/ requests to Graph's per-minute budget. */
class TokenAndBudget implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly tokens: ClientCredentialsTokens,
    private readonly security: RollingWindowLimiter,
  ) {}

  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (new URL(url).pathname.includes('/security/')) await this.security.take();
    // A delegated call carries the person's token (GraphConnection.call sets it); any other gets the app's.
    const delegated = context.middlewareControl?.getMiddlewareOptions(DelegatedToken) as DelegatedToken | undefined;
    const token = delegated?.token ?? (await this.tokens.get());
    context.options ??= {};
    const headers = context.options.headers;
    if (headers instanceof Headers) headers.set('Authorization', `Bearer ${token}`);
    else
      context.options.headers = {
        ...(headers as Record<string, string> | undefined),
        Authorization: `Bearer ${token}`,
      };
    await this.next!.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Microsoft Graph for one tenant: typed get/post/patch, paging, and Graph errors as UpstreamError. */
export class GraphConnection {
  readonly tokens: ClientCredentialsTokens;
  private readonly client: Client;
  private readonly base: URL;

  constructor(readonly settings: GraphSettings) {
    this.tokens = new ClientCredentialsTokens(settings);
    this.base = new URL(settings.baseUrl);
    const maxRetryAfter = settings.maxRetryAfterSeconds ?? 30;
    const retry = new RetryHandler(
      new RetryHandlerOptions(1, Math.min(settings.maxRetries ?? 3, 10), (_delay, _attempt, _req, _opts, response) => {
        // A Retry-After beyond what a caller can wait for is not waited for: Graph's 429 is returned instead.
        const after = Number(response.headers.get('Retry-After') ?? '0');
        return !(after > maxRetryAfter);
      }),
    );
    const auth = new TokenAndBudget(
      this.tokens,
      new RollingWindowLimiter(settings.securityRequestsPerMinute ?? 150, 60_000),
    );
    retry.setNext(auth);
    auth.setNext(new HTTPMessageHandler());
    this.client = Client.initWithMiddleware({ middleware: retry, baseUrl: settings.baseUrl, defaultVersion: 'v1.0' });
  }

  get<T>(path: string, options: GraphRequestOptions = {}): Promise<T> {
    return this.call(path, options, (r) => r.get() as Promise<T>);
  }

  post<T = unknown>(path: string, body: unknown, options: GraphRequestOptions = {}): Promise<T> {
    return this.call(path, options, (r) => r.post(body) as Promise<T>);
  }

  patch<T = unknown>(path: string, body: unknown, options: GraphRequestOptions = {}): Promise<T> {
    return this.call(path, options, (r) => r.patch(body) as Promise<T>);
  }

  /** Every page of a collection, following @odata.nextLink (only ever to Graph's own host). */
  async *pages<T>(path: string, options: GraphRequestOptions = {}): AsyncGenerator<T[]> {
    let next: { path: string; version?: 'v1.0' | 'beta' } | null = { path, version: options.version };
    while (next) {
      const page: Page<T> = await this.get<Page<T>>(next.path, { ...options, version: next.version });
      yield page.value ?? [];
      next = page['@odata.nextLink'] ? this.relative(page['@odata.nextLink']) : null;
    }
  }

  /** A nextLink is absolute; the client is given it as version + path so it keeps our base URL. */
  private relative(link: string): { path: string; version: 'v1.0' | 'beta' } {
    const url = new URL(link, this.base);
    if (url.origin !== this.base.origin) {
      throw new UpstreamError(SERVICE, 0, 'invalid_next_link', `a nextLink pointed at another host (${url.origin})`);
    }
    const rest = url.pathname.slice(this.base.pathname.replace(/\/$/, '').length).replace(/^\//, '');
    const [version, ...path] = rest.split('/');
    if (version !== 'v1.0' && version !== 'beta') {
      throw new UpstreamError(SERVICE, 0, 'invalid_next_link', `a nextLink had no Graph version: ${link}`);
    }
    return { path: `/${path.join('/')}${url.search}`, version };
  }

  private async call<T>(
    path: string,
    options: GraphRequestOptions,
    send: (r: ReturnType<Client['api']>) => Promise<T>,
  ): Promise<T> {
    // The token first, outside the client: its error handler would turn Entra's refusal into a bare GraphError.
    if (!options.delegatedToken) await this.tokens.get();
    let request = this.client.api(path).version(options.version ?? 'v1.0');
    for (const [k, v] of Object.entries(options.headers ?? {})) request = request.header(k, v);
    if (options.delegatedToken) request = request.middlewareOptions([new DelegatedToken(options.delegatedToken)]);
    try {
      return await send(request);
    } catch (err) {
      throw toUpstreamError(err);
    }
  }
}

export function toUpstreamError(err: unknown): Error {
  if (err instanceof UpstreamError) return err;
  if (err instanceof GraphError) {
    // statusCode -1: no answer at all (connection refused, DNS, reset).
    if (err.statusCode <= 0) {
      return new UpstreamError(SERVICE, 0, 'unreachable', err.message || String(err.body ?? 'no answer'));
    }
    const retryAfter = Number(err.headers?.get('Retry-After') ?? NaN);
    return new UpstreamError(
      SERVICE,
      err.statusCode,
      err.code ?? 'unknown',
      err.message || 'no message',
      Number.isFinite(retryAfter) ? retryAfter : null,
    );
  }
  if (err instanceof Error) return new UpstreamError(SERVICE, 0, 'request_failed', err.message);
  return new UpstreamError(SERVICE, 0, 'request_failed', String(err));
}
