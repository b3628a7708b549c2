// npm run simulate [-- --url http://127.0.0.1:3978]: plays the Zava attack against a running embedded
// server over HTTP, as Copilot Studio would call its threat-detection webhook, with tokens signed by the
// server's local key set (DATA_DIR, like the server and dev-token). Prints each decision, then the
// incident it produced when the server runs with AUTH=dev.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadLocalKeySet } from '../src/auth/local-key-set.js';
import { ConfigError, EMBEDDED_CALLER_APP_ID, loadConfig } from '../src/config.js';
import { analyzeToolExecution } from '../src/protection/webhook-simulation.js';
import { ZAVA_IDS } from '../src/tenant/embedded/zava/index.js';
import { zavaAttackStory, zavaToolStory } from './zava-attack.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: `http://127.0.0.1:${config.port}` },
      pause: { type: 'string', default: '150' },
    },
  });
  if (config.tenant !== 'embedded' || config.webhook.jwksUrl) {
    throw new ConfigError('simulate signs with the embedded key set: run it against a TENANT=embedded server.');
  }
  const base = values.url.replace(/\/$/, '');
  const keys = await loadLocalKeySet(config.dataDir);
  const token = await keys.sign({
    audience: config.webhook.audience,
    appId: config.webhook.allowedAppIds[0] ?? EMBEDDED_CALLER_APP_ID,
  });
  const ready = await fetch(`${base}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready) throw new ConfigError(`no Agent Warden server answers at ${base} (start it with npm run dev)`);

  // Griffin's attack, then Marketing Campaign Planner's MCP server changing its tool under it.
  const steps = [...zavaAttackStory(), ...zavaToolStory()];
  let unexpected = 0;
  console.log(`Zava attack against ${base}: ${steps.length} tool calls\n`);
  for (const [i, step] of steps.entries()) {
    const correlationId = randomUUID();
    const r = await analyzeToolExecution(base, token, step.body, correlationId);
    if (!r.answer) {
      console.log(`${String(i + 1).padStart(2)}. ${step.actor.padEnd(8)} HTTP ${r.status}: ${JSON.stringify(r.body)}`);
      unexpected++;
      continue;
    }
    const got = r.answer.blockAction ? 'BLOCK' : 'allow';
    const ok = (r.answer.blockAction ? 'block' : 'allow') === step.expect;
    if (!ok) unexpected++;
    console.log(
      `${String(i + 1).padStart(2)}. ${step.actor.padEnd(8)} ${got.padEnd(5)} ${String(r.answer.reasonCode).padStart(4)} ` +
        `${r.ms.toFixed(1).padStart(6)} ms  ${step.what}${ok ? '' : `   <- expected ${step.expect}`}`,
    );
    if (r.answer.blockAction) console.log(`${' '.repeat(15)}user reads: ${r.answer.reason}`);
    console.log(`${' '.repeat(15)}diagnostics: ${r.answer.diagnostics}`);
    // Copilot Studio's calls come at the pace of a conversation, not all at once.
    await new Promise((resolve) => setTimeout(resolve, Number(values.pause)));
  }

  if (config.auth === 'dev') {
    // Decisions are stored a few milliseconds after they are answered.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const res = await fetch(`${base}/api/v1/incidents?userId=${ZAVA_IDS.griffin}&status=active,inProgress&limit=5`, {
      headers: { 'x-dev-user': 'megan@zava.example' },
    });
    if (res.ok) {
      const page = (await res.json()) as {
        items: { id: string; title: string; severity: string; alertCount: number; eventCount: number }[];
      };
      console.log('\nIncidents about Griffin:');
      for (const inc of page.items) {
        console.log(`  [${inc.severity}] ${inc.title}: ${inc.alertCount} alerts, ${inc.eventCount} events (${inc.id})`);
      }
    }
  }
  if (unexpected > 0) {
    console.log(`\n${unexpected} decision(s) differed from the story's expectation.`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
