import { loadConfig } from './config.js';
import { DomainError } from './domain/errors.js';
import { openDatabase } from './store/open-database.js';
import type { RunningPlayground } from './teams/store/playground.js';

// Composition root: read the configuration, build, listen, stop cleanly on SIGTERM.
async function main(): Promise<void> {
  const config = loadConfig();
  const started = Date.now();
  // The database opens (on a first start: the prepared cluster copied, migrations checked) while the rest of the
  // server's modules load; each takes about a second, so side by side they take one.
  const database = openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  database.catch(() => undefined); // its failure is reported where it is awaited, not as an unhandled rejection
  const abandon = async (err: unknown): Promise<never> => {
    await database.then(({ db }) => db.close()).catch(() => undefined);
    throw err;
  };
  const [{ createAgentWarden }, { nextSteps, playgroundPerson, startPlayground }] = await Promise.all([
    import('./app.js'),
    import('./teams/store/playground.js'),
  ]).catch(abandon);
  // A PLAYGROUND_USER outside the playground's team stops the start, like any bad setting.
  if (config.playground.enabled) {
    try {
      playgroundPerson(config.playground.user);
    } catch (err) {
      await abandon(err);
    }
  }
  const warden = await createAgentWarden(config, { database }); // closes the database itself if it fails
  await warden.http.listen({ port: config.port, host: config.host });
  warden.http.log.info(
    { tenant: config.tenant, auth: config.auth, store: warden.store.db.backend, ms: Date.now() - started },
    `Agent Warden ready at ${config.publicUrl}`,
  );
  const tabUrl = `${config.publicUrl}/${config.auth === 'dev' ? '?as=megan@zava.example' : ''}`;
  console.log(
    [
      '',
      `  Tab (SOC / IT console): ${tabUrl}`,
      `  REST API:               ${config.publicUrl}/api/v1 (OpenAPI: /api/v1/openapi.json)`,
      `  Bot endpoint:           ${config.publicUrl}/api/messages`,
      `  Threat-detection hook:  ${config.publicUrl}/api/threat-detection/analyze-tool-execution?api-version=2025-05-01`,
    ].join('\n'),
  );
  // The Microsoft 365 Agents Playground: a local Teams whose SOC team is Megan, Adele and Pradeep.
  // It sends no Bot Framework token, so it only runs with AUTH=dev.
  let playground: RunningPlayground | null = null;
  if (config.playground.enabled && config.auth === 'dev') {
    const address = warden.http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    try {
      playground = await startPlayground({
        endpoint: `http://127.0.0.1:${port}/api/messages`,
        port: config.playground.port,
        user: config.playground.user,
        dataDir: config.dataDir,
      });
      warden.http.log.info(
        { user: config.playground.user, config: playground.configPath },
        `Agents Playground (Teams) at ${playground.url}`,
      );
      console.log(
        `\n  Agents Playground: ${playground.url}  (acting as ${config.playground.user}; PLAYGROUND_USER=megan|adele|pradeep)`,
      );
    } catch (err) {
      // The server is useful without it: say why and carry on.
      warden.http.log.error({ err }, 'the Agents Playground did not start (PLAYGROUND=0 turns it off)');
    }
  }
  console.log(`\n${nextSteps(playground?.url ?? null, tabUrl)}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    warden.http.log.info({ signal }, 'shutting down');
    await playground?.stop();
    await warden.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  // A setting that cannot work (an environment variable, the policy file, PLAYGROUND_USER): its message, exit 2.
  if (err instanceof DomainError && err.code === 'invalid_setting') {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
