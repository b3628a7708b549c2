import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { UnauthorizedError } from '../domain/errors.js';

export interface TokenVerifierOptions {
  /** The key set: Entra's JWKS URL in production, or a local key set (embedded mode, tests). */
  keys: JWTVerifyGetKey;
  issuer: string | string[];
  audience: string | string[];
  /** When set, the token's `azp`/`appid` must be one of these (webhook callers). */
  allowedAppIds?: string[];
}

/** A token refused by the verifier: answered 401 with why. */
export class TokenError extends UnauthorizedError {}

export type TokenVerifier = (authorization: string | undefined) => Promise<JWTPayload>;

/** Validates a bearer token: signature against the key set, issuer, audience, expiry, caller app. */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const allowed = options.allowedAppIds ? new Set(options.allowedAppIds.map((a) => a.toLowerCase())) : null;
  return async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new TokenError('missing bearer token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
        clockTolerance: 60,
      }));
    } catch (err) {
      throw new TokenError(describeJoseError(err));
    }
    if (allowed) {
      const appId = String(payload.azp ?? payload.appid ?? '').toLowerCase();
      if (!allowed.has(appId)) throw new TokenError(`caller app '${appId || 'unknown'}' is not allowed`);
    }
    return payload;
  };
}

export function remoteKeySet(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 6 * 3600_000 });
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token ${err.claim} claim is not valid`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is not valid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'token signed with an unknown key';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not allowed';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'token is malformed';
  return 'token is not valid';
}
