// The Bot Framework's side of Teams SSO over real HTTP, for the bot's tests in TENANT=graph:
//
// - The channel's token issuer: OpenID metadata and signing keys (as login.botframework.com serves them, keys
//   endorsed for `msteams`) and `channelToken()`, the bearer token Teams puts on each activity it posts to the bot
//   (iss https://api.botframework.com, aud the bot's app id, serviceurl). botbuilder's CloudAdapter checks them.
// - The token service with one OAuth connection, the API botbuilder's UserTokenClient calls, each request with the
//   bot's app token (issued by the fake Entra for https://api.botframework.com/.default; anything else is 401):
//     GET  /api/usertoken/GetToken?userId&connectionName&channelId[&code]  200 TokenResponse | 404
//     POST /api/usertoken/exchange?userId&connectionName&channelId {token[, uri]}  200 TokenResponse | 400 error
//     GET  /api/botsignin/GetSignInResource?state=<base64 TokenExchangeState>  200 {signInLink, tokenExchangeResource}
//   An exchange takes the Teams client's SSO token for the connection's token exchange URL
//   (api://<domain>/botid-<bot id>) and gives the person's delegated Graph token (from the FakeGraph, with the
//   connection's scopes), which the service then keeps for GetToken. A sign-in through the link ends, in this fake,
//   with `completeSignIn`, which returns the magic code Teams would send back as `value.state`.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { GenerateKeyPairResult, JWK } from 'jose';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { FakeGraph } from './fake-graph.js';

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

export interface FakeOAuthConnection {
  name: string;
  /** The Entra app's token exchange URL, api://<domain>/botid-<bot id>. */
  tokenExchangeUrl: string;
  /** The delegated Graph scopes the connection asks for. */
  scopes: string[];
}

export interface FakeTokenServiceOptions {
  botAppId: string;
  connection: FakeOAuthConnection;
  graph: FakeGraph;
}

export interface TokenServiceRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
}

interface SsoToken {
  aadObjectId: string;
  upn: string;
  audience: string;
  expired: boolean;
}

export class FakeBotTokenService {
  url = '';
  readonly requests: TokenServiceRequest[] = [];
  /** Kept user tokens: `${userId}|${connectionName}` -> the delegated Graph token. */
  readonly userTokens = new Map<string, string>();
  private readonly ssoTokens = new Map<string, SsoToken>();
  private readonly magicCodes = new Map<string, { userId: string; token: string }>();
  private failures = 0;
  private server!: http.Server;
  private privateKey!: GenerateKeyPairResult['privateKey'];
  private jwk!: JWK;

  constructor(private readonly options: FakeTokenServiceOptions) {}

  async start(): Promise<this> {
    const keys = await generateKeyPair('RS256');
    this.privateKey = keys.privateKey;
    this.jwk = { ...(await exportJWK(keys.publicKey)), kid: 'bf-key-1', alg: 'RS256', use: 'sig' };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) =>
        send(res, 500, { error: { code: 'ServiceError', message: String(err) } }),
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** The bearer token the Bot Framework channel puts on an activity it posts to the bot. */
  channelToken(serviceUrl: string, options: { audience?: string } = {}): Promise<string> {
    return new SignJWT({ serviceurl: serviceUrl })
      .setProtectedHeader({ alg: 'RS256', kid: 'bf-key-1', typ: 'JWT' })
      .setIssuer(BOT_FRAMEWORK_ISSUER)
      .setAudience(options.audience ?? this.options.botAppId)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('10m')
      .sign(this.privateKey);
  }

  /** What the Teams client gets for the person from Entra for the connection's token exchange URL (SSO). */
  ssoTokenFor(user: { aadObjectId: string; upn: string }, options: { audience?: string; expired?: boolean } = {}) {
    const token = `fake-sso-${randomUUID()}`;
    this.ssoTokens.set(token, {
      ...user,
      audience: options.audience ?? this.options.connection.tokenExchangeUrl,
      expired: options.expired ?? false,
    });
    return token;
  }

  /** The person signs in through the OAuthCard's link: the service keeps their token and hands out a magic code. */
  completeSignIn(userId: string, user: { aadObjectId: string; upn: string }): string {
    const token = this.options.graph.issueDelegatedToken(
      { oid: user.aadObjectId, upn: user.upn },
      this.options.connection.scopes,
    );
    const code = String(100000 + Math.floor(Math.random() * 900000));
    this.magicCodes.set(code, { userId, token });
    return code;
  }

  /** The next `times` token service calls (not the channel's keys) answer 503, as during an outage. */
  failNext(times: number): void {
    this.failures = times;
  }

  calls(path: string): TokenServiceRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    const record = (status: number) =>
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status });

    if (req.method === 'GET' && url.pathname === '/v1/.well-known/openidconfiguration') {
      return send(res, 200, {
        issuer: BOT_FRAMEWORK_ISSUER,
        authorization_endpoint: `${this.url}/v1/.well-known/authorize`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/v1/.well-known/keys') {
      return send(res, 200, { keys: [{ ...this.jwk, endorsements: ['msteams'] }] });
    }

    if (this.failures > 0) {
      this.failures -= 1;
      record(503);
      return send(res, 503, { error: { code: 'ServiceUnavailable', message: 'The service is unavailable.' } });
    }
    // The token service: only the bot, with its app token for the Bot Framework.
    const auth = req.headers.authorization ?? '';
    const app = this.options.graph.otherAppTokens.get(auth.startsWith('Bearer ') ? auth.slice(7) : '');
    if (!app || app.clientId !== this.options.botAppId || app.scope !== BOT_FRAMEWORK_SCOPE) {
      record(401);
      return send(res, 401, { error: { code: 'Unauthorized', message: 'The bot token is missing or not valid.' } });
    }
    const q = url.searchParams;
    const { connection } = this.options;
    const connectionKnown = q.get('connectionName') === connection.name;

    if (req.method === 'GET' && url.pathname === '/api/usertoken/GetToken') {
      const userId = q.get('userId');
      if (!userId || !q.get('channelId') || !connectionKnown) {
        record(400);
        return send(res, 400, { error: { code: 'BadArgument', message: 'userId, connectionName and channelId.' } });
      }
      const code = q.get('code');
      if (code) {
        const pending = this.magicCodes.get(code);
        if (pending && pending.userId === userId) {
          this.magicCodes.delete(code);
          this.userTokens.set(`${userId}|${connection.name}`, pending.token);
        } else {
          record(404);
          return send(res, 404);
        }
      }
      const token = this.userTokens.get(`${userId}|${connection.name}`);
      if (!token) {
        record(404);
        return send(res, 404);
      }
      record(200);
      return send(res, 200, tokenResponse(connection.name, q.get('channelId')!, token));
    }

    if (req.method === 'POST' && url.pathname === '/api/usertoken/exchange') {
      const userId = q.get('userId');
      let body: { token?: unknown; uri?: unknown } = {};
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        // an empty or broken body is refused below
      }
      if (!userId || !q.get('channelId') || !connectionKnown || typeof body.token !== 'string') {
        record(400);
        return send(res, 400, { error: { code: 'BadArgument', message: 'userId, connectionName, channelId, token.' } });
      }
      const sso = this.ssoTokens.get(body.token);
      if (!sso || sso.expired || sso.audience !== connection.tokenExchangeUrl) {
        record(400);
        return send(res, 400, {
          error: { code: 'TokenExchangeFailed', message: 'The token could not be exchanged for this connection.' },
        });
      }
      const token = this.options.graph.issueDelegatedToken({ oid: sso.aadObjectId, upn: sso.upn }, connection.scopes);
      this.userTokens.set(`${userId}|${connection.name}`, token);
      record(200);
      return send(res, 200, tokenResponse(connection.name, q.get('channelId')!, token));
    }

    if (req.method === 'GET' && url.pathname === '/api/botsignin/GetSignInResource') {
      let state: { connectionName?: string; msAppId?: string; conversation?: { user?: { id?: string } } } = {};
      try {
        state = JSON.parse(Buffer.from(q.get('state') ?? '', 'base64').toString('utf8')) as typeof state;
      } catch {
        // refused below
      }
      if (state.msAppId !== this.options.botAppId || state.connectionName !== connection.name) {
        record(400);
        return send(res, 400, { error: { code: 'BadArgument', message: 'The state is not valid.' } });
      }
      record(200);
      return send(res, 200, {
        signInLink: `${this.url}/api/oauth/signin?signin=${randomUUID()}`,
        tokenExchangeResource: { id: randomUUID(), uri: connection.tokenExchangeUrl, providerId: 'fake-aad-v2' },
      });
    }

    record(404);
    return send(res, 404, { error: { code: 'NotFound', message: `${req.method} ${url.pathname}` } });
  }
}

function tokenResponse(connectionName: string, channelId: string, token: string) {
  return { channelId, connectionName, token, expiration: new Date(Date.now() + 3_600_000).toISOString() };
}

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
