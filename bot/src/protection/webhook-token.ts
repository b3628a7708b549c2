import type { Config } from '../config.js';
import type { LocalKeySet } from '../auth/local-key-set.js';
import type { JWTPayload } from 'jose';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { TokenError, createTokenVerifier, remoteKeySet } from '../auth/token-verifier.js';
import { ConfigError } from '../config.js';

/**
 * The verifier of Copilot Studio's bearer tokens. With WEBHOOK_JWKS_URL (production) the key set is
 * Entra's and WEBHOOK_ISSUER is required; without it (embedded mode) the local key set signs and
 * verifies, which is what `npm run dev-token`, the simulator and the tests use. WEBHOOK_ISSUER may
 * list several issuers separated by commas (Entra v1 and v2 tokens have different ones).
 */
export function webhookTokenVerifier(config: Config, localKeys: LocalKeySet | null): TokenVerifier {
  return cachedVerifier(lifetimeChecked(baseVerifier(config, localKeys)));
}

/** The longest a webhook token may live (from `nbf`, else `iat`, to `exp`). */
export const MAX_TOKEN_LIFETIME_S = 24 * 3600;
/** How far ahead of this server's clock a token's `iat`/`nbf` may be. */
export const MAX_CLOCK_SKEW_S = 5 * 60;

/**
 * Lifetime rules on top of the signature checks: a token that never expires, or that lives for a
 * century, is a stolen credential that works forever. A token must carry `exp` and `iat` or `nbf`,
 * live at most 24 hours, and not be issued more than five minutes in this server's future.
 */
export function lifetimeChecked(verify: TokenVerifier, now: () => number = Date.now): TokenVerifier {
  return async (authorization) => {
    const payload = await verify(authorization);
    const problem = lifetimeProblem(payload, now() / 1000);
    if (problem) throw new TokenError(problem);
    return payload;
  };
}

function lifetimeProblem(p: JWTPayload, nowS: number): string | null {
  if (typeof p.exp !== 'number') return 'token has no exp claim';
  const start = typeof p.nbf === 'number' ? p.nbf : typeof p.iat === 'number' ? p.iat : null;
  if (start === null) return 'token has neither an iat nor an nbf claim';
  if (typeof p.iat === 'number' && p.iat > nowS + MAX_CLOCK_SKEW_S) return 'token iat claim is in the future';
  if (start > nowS + MAX_CLOCK_SKEW_S) return 'token nbf claim is in the future';
  if (p.exp - start > MAX_TOKEN_LIFETIME_S) return 'token lives longer than 24 hours (exp - iat/nbf)';
  return null;
}

function baseVerifier(config: Config, localKeys: LocalKeySet | null): TokenVerifier {
  const { webhook } = config;
  const issuers = (webhook.issuer ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (webhook.jwksUrl) {
    if (issuers.length === 0) throw new ConfigError('WEBHOOK_ISSUER is required when WEBHOOK_JWKS_URL is set.');
    return createTokenVerifier({
      keys: remoteKeySet(webhook.jwksUrl),
      issuer: issuers,
      audience: webhook.audience,
      allowedAppIds: webhook.allowedAppIds,
    });
  }
  if (!localKeys) throw new ConfigError('WEBHOOK_JWKS_URL is required outside embedded mode.');
  return createTokenVerifier({
    keys: localKeys.keys,
    issuer: issuers.length > 0 ? issuers : localKeys.issuer,
    audience: webhook.audience,
    allowedAppIds: webhook.allowedAppIds,
  });
}

const CACHE_LIMIT = 256;
const CACHE_MAX_MS = 5 * 60_000;

/**
 * Copilot Studio sends the same token with every call until it expires; checking the RS256 signature
 * once per token rather than once per call takes a large share off each decision. A verified token is
 * remembered until its expiry (at most five minutes); a refused one is checked again every time.
 */
export function cachedVerifier(verify: TokenVerifier, now: () => number = Date.now): TokenVerifier {
  const cache = new Map<string, { payload: JWTPayload; until: number }>();
  return async (authorization) => {
    const key = authorization ?? '';
    const hit = cache.get(key);
    if (hit && hit.until > now()) return hit.payload;
    if (hit) cache.delete(key);
    const payload = await verify(authorization);
    const until = Math.min(typeof payload.exp === 'number' ? payload.exp * 1000 : 0, now() + CACHE_MAX_MS);
    if (until > now()) {
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(key, { payload, until });
    }
    return payload;
  };
}
