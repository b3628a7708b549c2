import type { JWK } from 'jose';
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { AgentWardenOverrides } from '../../bot/src/app.js';
import type { LocalKeySet } from '../../bot/src/auth/local-key-set.js';
import { LOCAL_ISSUER, localKeySetFrom } from '../../bot/src/auth/local-key-set.js';
import { EMBEDDED_CALLER_APP_ID, EMBEDDED_WEBHOOK_AUDIENCE } from '../../bot/src/config.js';
import { WEBHOOK_API_VERSION } from '../../bot/src/protection/webhook-schema.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

// The webhook tests' side of Copilot Studio: a server on an ephemeral port whose embedded key set the
// test holds (so it can also sign the tokens the server must refuse), a movable clock, and a caller.

export interface TokenClaims {
  issuer?: string;
  audience?: string;
  appId?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  /** Sign with a key the server does not know. */
  foreignKey?: boolean;
  /** Leave `exp` out (the server must refuse such a token). */
  noExpiry?: boolean;
  /** `iat` in seconds from now (default now, or two hours ago for an expired token); null leaves it out. */
  issuedIn?: number | null;
  /** `nbf` in seconds from now; unset leaves it out. */
  notBeforeIn?: number;
}

export interface CallOptions {
  token?: string | null;
  apiVersion?: string | null;
  correlationId?: string;
  /** Sent as is instead of JSON.stringify(body). */
  raw?: string;
  contentType?: string;
}

export interface WebhookHarness {
  server: TestServer;
  url: string;
  clock: { now: Date; advance(ms: number): void };
  token(claims?: TokenClaims): Promise<string>;
  unsignedToken(): string;
  call(path: 'validate' | 'analyze-tool-execution', body?: unknown, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the JSON answer field by field
  body: any;
  headers: Headers;
}

async function newKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
}

export async function startWebhookServer(
  backend: 'pglite' | 'postgres',
  env: Record<string, string> = {},
  overrides: AgentWardenOverrides = {},
): Promise<WebhookHarness> {
  const serverJwk = await newKey('agent-warden-local-1');
  const foreignJwk = await newKey('someone-else-1');
  const localKeys: LocalKeySet = await localKeySetFrom(serverJwk);
  const clock = {
    now: new Date(),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const server = await startTestServer(backend, env, { clock: () => clock.now, localKeys, ...overrides });
  const token = async (c: TokenClaims = {}) => {
    const jwk = c.foreignKey ? foreignJwk : serverJwk;
    const appId = c.appId ?? EMBEDDED_CALLER_APP_ID;
    const nowS = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ azp: appId, appid: appId, ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid!, typ: 'JWT' })
      .setIssuer(c.issuer ?? LOCAL_ISSUER)
      .setAudience(c.audience ?? EMBEDDED_WEBHOOK_AUDIENCE)
      .setSubject(appId);
    const issuedIn = c.issuedIn !== undefined ? c.issuedIn : c.expiresIn !== undefined && c.expiresIn < 0 ? -7200 : 0;
    if (issuedIn !== null) jwt.setIssuedAt(nowS + issuedIn);
    if (c.notBeforeIn !== undefined) jwt.setNotBefore(nowS + c.notBeforeIn);
    if (!c.noExpiry) jwt.setExpirationTime(nowS + (c.expiresIn ?? 3600));
    return jwt.sign(await importJWK(jwk, 'RS256'));
  };
  const unsignedToken = () =>
    new UnsecuredJWT({ azp: EMBEDDED_CALLER_APP_ID, appid: EMBEDDED_CALLER_APP_ID })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(EMBEDDED_WEBHOOK_AUDIENCE)
      .setExpirationTime('1h')
      .encode();
  const defaultToken = await token();
  const call = async (path: string, body?: unknown, o: CallOptions = {}): Promise<CallResult> => {
    const version = o.apiVersion === undefined ? WEBHOOK_API_VERSION : o.apiVersion;
    const query = version === null ? '' : `?api-version=${encodeURIComponent(version)}`;
    const bearer = o.token === undefined ? defaultToken : o.token;
    const headers: Record<string, string> = { 'content-type': o.contentType ?? 'application/json' };
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (o.correlationId) headers['x-ms-correlation-id'] = o.correlationId;
    const res = await fetch(`${server.url}/api/threat-detection/${path}${query}`, {
      method: 'POST',
      headers,
      body: o.raw ?? (body === undefined ? '' : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    server,
    url: server.url,
    clock,
    token,
    unsignedToken,
    call,
    close: () => server.close(),
  };
}
