// npm run dev-token [-- --minutes 60 --app <app id>]: prints a bearer token the embedded server's
// threat-detection webhook accepts, signed with the local key set under DATA_DIR (the same file the
// server reads, created here when the server has not run yet).
import { parseArgs } from 'node:util';
import { loadLocalKeySet } from '../src/auth/local-key-set.js';
import { ConfigError, EMBEDDED_CALLER_APP_ID, loadConfig } from '../src/config.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string', default: '60' }, app: { type: 'string' } },
  });
  const minutes = Number(values.minutes);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new ConfigError('--minutes must be a positive number');
  const config = loadConfig();
  if (config.tenant !== 'embedded' || config.webhook.jwksUrl) {
    throw new ConfigError(
      'dev-token signs with the embedded key set: it only works with TENANT=embedded and no WEBHOOK_JWKS_URL.',
    );
  }
  const keys = await loadLocalKeySet(config.dataDir);
  const token = await keys.sign({
    audience: config.webhook.audience,
    appId: values.app ?? config.webhook.allowedAppIds[0] ?? EMBEDDED_CALLER_APP_ID,
    expiresInSeconds: Math.round(minutes * 60),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
