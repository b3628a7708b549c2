import { ConfigError, loadConfig } from './config.js';
import { createAgentWarden } from './app.js';
import { PolicyFileError } from './protection/protection-policy.js';
import type { RunningPlayground } from './teams/store/playground.js';
import { PlaygroundUserError, nextSteps, playgroundPerson, startPlayground } from './teams/store/playground.js';

// Composition root: read the configuration, build, listen, stop cleanly on SIGTERM.
async function main(): Promise<void> {
  const config = loadConfig();
  // A PLAYGROUND_USER outside the playground's team stops the start, like any bad setting.
  if (config.playground.enabled) playgroundPerson(config.playground.user);
  const started = Date.now();
  const warden = await createAgentWarden(config);
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
  if (err instanceof ConfigError || err instanceof PlaygroundUserError || err instanceof PolicyFileError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
