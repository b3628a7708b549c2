import type { Config } from '../config.js';
import type { LocalKeySet } from '../auth/local-key-set.js';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { createTokenVerifier, remoteKeySet } from '../auth/token-verifier.js';
import { ConfigError } from '../config.js';

/**
 * The verifier of Copilot Studio's bearer tokens. With WEBHOOK_JWKS_URL (production) the key set is
 * Entra's and WEBHOOK_ISSUER is required; without it (embedded mode) the local key set signs and
 * verifies, which is what `npm run dev-token`, the simulator and the tests use. WEBHOOK_ISSUER may
 * list several issuers separated by commas (Entra v1 and v2 tokens have different ones).
 */
export function webhookTokenVerifier(config: Config, localKeys: LocalKeySet | null): TokenVerifier {
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
