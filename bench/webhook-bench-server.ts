// The real server (createAgentWarden, as bot/src/index.ts builds it) plus two comparison endpoints on
// the same Fastify instance, for bench/webhook-bench.ts:
//   POST /bench/noop/analyze-tool-execution  the webhook's own plumbing (token check, api-version, body
//                                            parse and validation) in front of a fixed answer: the
//                                            difference to the real endpoint is the decision itself.
//   POST /bench/bare                         a fixed JSON answer, nothing else: the HTTP stack alone.
import { createAgentWarden } from '../bot/src/app.js';
import { loadConfig } from '../bot/src/config.js';
import { threatDetectionRoutes } from '../bot/src/http/routes/threat-detection-routes.js';
import { webhookTokenVerifier } from '../bot/src/protection/webhook-token.js';

const FIXED = { blockAction: false, reasonCode: 0, reason: 'Allowed.', diagnostics: 'no-op' };

async function main(): Promise<void> {
  const config = loadConfig();
  const warden = await createAgentWarden(config);
  await threatDetectionRoutes({
    protection: {
      ready: true,
      analyze: async () => ({ answer: FIXED, eventId: 'noop', failReason: null, hits: [], latencyMs: 0 }),
    },
    verifyToken: webhookTokenVerifier(config, warden.localKeys),
    bodyLimit: config.webhook.bodyLimit,
    prefix: '/bench/noop',
  })(warden.http);
  warden.http.post('/bench/bare', async () => FIXED);
  await warden.http.listen({ port: config.port, host: config.host });
  const stop = async () => {
    await warden.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
