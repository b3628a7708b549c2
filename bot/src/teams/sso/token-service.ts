// The Bot Framework token service (the Azure Bot's OAuth connections), over HTTP as botbuilder's UserTokenClient
// calls it: GET api/usertoken/GetToken, POST api/usertoken/exchange, GET api/botsignin/GetSignInResource, each with
// the bot's own app token (client credentials for https://api.botframework.com). botbuilder's client gets that app
// token through MSAL, which accepts only https authorities; this one asks Entra's token endpoint directly, so the
// same code runs against a local fake in the tests.
import { UpstreamError } from '../../domain/errors.js';

const SERVICE = 'Bot Framework token service';
const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';
/** Teams gives a card action 5 s in all: each call to the token service or Entra gets at most this. */
const CALL_TIMEOUT_MS = 2_000;
/** Bodies we read from the token service or Entra: tokens and sign-in links, never large. */
const MAX_BODY_CHARS = 64 * 1024;

export interface TokenServiceSettings {
  /** The bot's app id (BOT_ID), its client secret and tenant. */
  appId: string;
  appPassword: string;
  tenantId: string;
  /** Entra's login root (ENTRA_LOGIN_URL). */
  loginUrl: string;
  /** The token service's root (BOT_TOKEN_SERVICE_URL), e.g. https://token.botframework.com */
  tokenServiceUrl: string;
  /** The OAuth connection setting's name on the Azure Bot (BOT_SSO_CONNECTION). */
  connectionName: string;
}

/** The token service's TokenResponse. */
export interface UserToken {
  token: string;
  connectionName: string;
  expiration?: string;
}

/** GetSignInResource's answer: what an OAuthCard carries. */
export interface SignInResource {
  signInLink: string;
  tokenExchangeResource?: { id?: string; uri?: string; providerId?: string };
}

/** The conversation the sign-in belongs to (TokenExchangeState.conversation: a ConversationReference). */
export interface SignInConversation {
  activityId?: string;
  user?: { id: string; name?: string; aadObjectId?: string };
  bot?: { id: string; name?: string };
  conversation: { id: string; conversationType?: string; tenantId?: string };
  channelId: string;
  serviceUrl: string;
  locale?: string;
}

export class BotTokenService {
  private appToken: { value: string; expiresAt: number } | null = null;
  private pendingAppToken: Promise<string> | null = null;

  constructor(
    readonly settings: TokenServiceSettings,
    private readonly now: () => number = Date.now,
  ) {}

  get connectionName(): string {
    return this.settings.connectionName;
  }

  /** The person's token for the connection (with `code`: a sign-in's magic code); null when they have none. */
  async getToken(userId: string, channelId: string, code?: string): Promise<UserToken | null> {
    const query = new URLSearchParams({ userId, connectionName: this.connectionName, channelId });
    if (code) query.set('code', code);
    const res = await this.call('GET', `api/usertoken/GetToken?${query}`);
    if (res.status === 404) return null;
    return this.tokenFrom(res);
  }

  /** Exchanges the Teams SSO token (for `api://<domain>/botid-<id>`) for the connection's token; null if refused. */
  async exchange(userId: string, channelId: string, ssoToken: string): Promise<UserToken | null> {
    const query = new URLSearchParams({ userId, connectionName: this.connectionName, channelId });
    const res = await this.call('POST', `api/usertoken/exchange?${query}`, { token: ssoToken });
    // The service refuses an SSO token it cannot exchange (expired, wrong audience, consent missing) with
    // 400 or 404: the person is asked again, not shown a failure.
    if (res.status === 400 || res.status === 404 || res.status === 412) return null;
    return this.tokenFrom(res);
  }

  /** The sign-in link and token exchange resource for an OAuthCard, bound to this conversation. */
  async signInResource(conversation: SignInConversation): Promise<SignInResource> {
    const state = Buffer.from(
      JSON.stringify({
        connectionName: this.connectionName,
        conversation,
        relatesTo: undefined,
        msAppId: this.settings.appId,
      }),
    ).toString('base64');
    const res = await this.call('GET', `api/botsignin/GetSignInResource?${new URLSearchParams({ state })}`);
    if (res.status !== 200) throw upstream(res);
    const body = res.body as Partial<SignInResource> | null;
    if (!body || typeof body.signInLink !== 'string') {
      throw new UpstreamError(SERVICE, res.status, 'invalid_response', 'GetSignInResource returned no signInLink');
    }
    return { signInLink: body.signInLink, tokenExchangeResource: body.tokenExchangeResource };
  }

  private tokenFrom(res: { status: number; body: unknown }): UserToken | null {
    if (res.status !== 200) throw upstream(res);
    const body = res.body as Partial<UserToken> | null;
    if (!body || typeof body.token !== 'string' || !body.token) return null;
    return {
      token: body.token,
      connectionName: body.connectionName ?? this.connectionName,
      expiration: body.expiration,
    };
  }

  private async call(method: 'GET' | 'POST', path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
    const token = await this.botAppToken();
    const url = `${this.settings.tokenServiceUrl}/${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        },
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      throw new UpstreamError(SERVICE, 0, 'unreachable', (err as Error).message);
    }
    return { status: res.status, body: await readJson(res) };
  }

  /** The bot's client-credentials token for the token service, kept until a minute before it expires. */
  private async botAppToken(): Promise<string> {
    if (this.appToken && this.appToken.expiresAt > this.now()) return this.appToken.value;
    this.pendingAppToken ??= this.fetchAppToken().finally(() => {
      this.pendingAppToken = null;
    });
    return this.pendingAppToken;
  }

  private async fetchAppToken(): Promise<string> {
    const { loginUrl, tenantId, appId, appPassword } = this.settings;
    let res: Response;
    try {
      res = await fetch(`${loginUrl}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: appId,
          client_secret: appPassword,
          scope: BOT_FRAMEWORK_SCOPE,
        }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    } catch (err) {
      throw new UpstreamError('Entra ID', 0, 'unreachable', (err as Error).message);
    }
    const body = (await readJson(res)) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
      error_description?: string;
    } | null;
    if (!res.ok || !body?.access_token) {
      throw new UpstreamError(
        'Entra ID',
        res.status,
        body?.error ?? 'invalid_response',
        body?.error_description ?? 'the token endpoint returned no access_token',
      );
    }
    const lifetime = Math.max(0, (body.expires_in ?? 3599) - 60) * 1000;
    this.appToken = { value: body.access_token, expiresAt: this.now() + lifetime };
    return body.access_token;
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '');
  if (!text || text.length > MAX_BODY_CHARS) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function upstream(res: { status: number; body: unknown }): UpstreamError {
  const error = (res.body as { error?: { code?: string; message?: string } } | null)?.error;
  return new UpstreamError(
    SERVICE,
    res.status,
    error?.code ?? 'unexpected_status',
    error?.message ?? `HTTP ${res.status}`,
  );
}
