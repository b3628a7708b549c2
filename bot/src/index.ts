import { ConfigError, loadConfig } from './config.js';
import { createAgentWarden } from './app.js';

// Composition root: read the configuration, build, listen, stop cleanly on SIGTERM.
async function main(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  const warden = await createAgentWarden(config);
  await warden.http.listen({ port: config.port, host: config.host });
  warden.http.log.info(
    { tenant: config.tenant, auth: config.auth, store: warden.store.db.backend, ms: Date.now() - started },
    `Agent Warden ready at ${config.publicUrl}`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    warden.http.log.info({ signal }, 'shutting down');
    await warden.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
