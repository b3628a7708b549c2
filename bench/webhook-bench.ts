import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadLocalKeySet } from '../bot/src/auth/local-key-set.js';
import { EMBEDDED_CALLER_APP_ID, EMBEDDED_WEBHOOK_AUDIENCE } from '../bot/src/config.js';
import { WEBHOOK_API_VERSION } from '../bot/src/protection/webhook-schema.js';
import type { ZavaAgentKey, ZavaAlias } from '../bot/src/tenant/embedded/zava/index.js';
import { benignCall, zavaAttackStory } from '../bot/scripts/zava-attack.js';
import type { BenchRow } from './bench-types.js';
import { ROOT, freshPostgres, summarize, tempDataDir, timeRequests } from './bench-support.js';

// The threat-detection webhook over loopback against the real server (its own process), side by
// side in the same run with two comparison endpoints on the same Fastify instance
// (bench/webhook-bench-server.ts): the webhook's plumbing in front of a fixed answer ("no-op"), and a
// bare fixed answer. Copilot Studio's traffic is mostly ordinary work, so the mix is ordinary calls by
// every Zava person to agents with read tools plus, every 50th call, a step of the attack (jailbreak
// prompts and blocked e-mails, which raise and grow alerts).

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

const SEQUENTIAL = 1000;
const DURATION_S = 6;
const PACED_RATE = 1000;

const AGENTS: ZavaAgentKey[] = [
  'customerBillingAgent',
  'hrPolicy',
  'docsSearch',
  'quarterlyPlanning',
  'teamMeetingPrep',
  'caseSummarizer',
  'releaseNotes',
  'invoiceReconciliation',
];
const PEOPLE: ZavaAlias[] = ['debra', 'emily', 'megan', 'adele', 'pradeep', 'lee', 'miriam', 'alex', 'patti', 'ben'];
const QUESTIONS = [
  'What is the payment status of invoice INV-20417 for Fabrikam?',
  'How many vacation days carry over into next year?',
  'How do I rotate a client secret for an app registration?',
  'Pull the Q3 revenue figures by region from the planning workbook.',
  'What are my open Planner tasks for the Thursday review?',
  'Summarize case CS-88123 and the last customer reply.',
];

export function bodies(): string[] {
  const now = new Date();
  const out: string[] = [];
  const attack = zavaAttackStory(now)
    .filter((s) => s.actor === 'griffin')
    .map((s) => JSON.stringify(s.body));
  for (let i = 0; i < 500; i++) {
    if (i % 50 === 49) out.push(attack[Math.floor(i / 50) % attack.length]!);
    else {
      out.push(
        JSON.stringify(
          benignCall(
            now,
            PEOPLE[i % PEOPLE.length]!,
            AGENTS[(i * 7) % AGENTS.length]!,
            QUESTIONS[(i * 3) % QUESTIONS.length]!,
          ).body,
        ),
      );
    }
  }
  return out;
}

async function startBenchServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(TSX, [path.join(ROOT, 'bench/webhook-bench-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', PLAYGROUND: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench server exited: ${stderr}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { url, child };
    if (performance.now() - started > 120_000) throw new Error('bench server did not become ready in 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** bench/bare-http-server.ts in its own process: the `node:http` floor the webhook is compared with. */
async function startBareServer(): Promise<{ url: string; child: ChildProcess }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(TSX, [path.join(ROOT, 'bench/bare-http-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const payloads = bodies();
  const pgdb = await freshPostgres();
  const backends: { name: string; env: Record<string, string>; cleanup: () => Promise<void> }[] = [];
  const dir = tempDataDir();
  backends.push({
    name: 'PGlite',
    env: { DATA_DIR: dir },
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  });
  if (pgdb) {
    const pgDir = tempDataDir();
    backends.push({
      name: 'PostgreSQL',
      env: { DATA_DIR: pgDir, DATABASE_URL: pgdb.url },
      cleanup: async () => {
        fs.rmSync(pgDir, { recursive: true, force: true });
        await pgdb.drop();
      },
    });
  }

  const bare = await startBareServer();
  try {
    for (const backend of backends) rows.push(...(await measureBackend(backend, bare.url, payloads)));
  } finally {
    await stop(bare.child);
  }
  return rows;
}

async function measureBackend(
  backend: { name: string; env: Record<string, string>; cleanup: () => Promise<void> },
  bareUrl: string,
  payloads: string[],
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  {
    const { url, child } = await startBenchServer(backend.env);
    try {
      const keys = await loadLocalKeySet(backend.env.DATA_DIR!);
      const token = await keys.sign({ audience: EMBEDDED_WEBHOOK_AUDIENCE, appId: EMBEDDED_CALLER_APP_ID });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const q = `?api-version=${WEBHOOK_API_VERSION}`;
      const endpoints = {
        webhook: `/api/threat-detection/analyze-tool-execution${q}`,
        noop: `/bench/noop/analyze-tool-execution${q}`,
        bare: '/bench/bare',
      } as const;
      const post = (p: string, i: number) =>
        fetch(url + p, { method: 'POST', headers, body: payloads[i % payloads.length] });

      // Warm-up: JIT, the detector's caches, the first recorder batches.
      for (const p of Object.values(endpoints)) await timeRequests(300, (i) => post(p, i));

      // Concurrency 1: each request timed on its own; the three endpoints interleaved in rounds so
      // that a busy moment on the machine hits them alike.
      const seq: Record<keyof typeof endpoints, number[]> = { webhook: [], noop: [], bare: [] };
      for (let round = 0; round < 10; round++) {
        for (const [name, p] of Object.entries(endpoints) as [keyof typeof endpoints, string][]) {
          seq[name].push(...(await timeRequests(SEQUENTIAL / 10, (i) => post(p, round * 100 + i))));
        }
      }
      const s = { webhook: summarize(seq.webhook), noop: summarize(seq.noop), bare: summarize(seq.bare) };
      const tag = `(${backend.name}, concurrency 1)`;
      rows.push(
        { area: 'webhook', metric: `analyze-tool-execution p50 ${tag}`, value: s.webhook.p50, unit: 'ms', aim: '' },
        {
          area: 'webhook',
          metric: `analyze-tool-execution p99 ${tag}`,
          value: s.webhook.p99,
          unit: 'ms',
          aim: '< 10 ms',
          met: s.webhook.p99 < 10,
        },
        { area: 'webhook', metric: `no-op (same plumbing) p50 ${tag}`, value: s.noop.p50, unit: 'ms', aim: '' },
        { area: 'webhook', metric: `no-op (same plumbing) p99 ${tag}`, value: s.noop.p99, unit: 'ms', aim: '' },
        { area: 'webhook', metric: `Fastify fixed answer p50 ${tag}`, value: s.bare.p50, unit: 'ms', aim: '' },
        {
          area: 'webhook',
          metric: `p50 ratio webhook / no-op ${tag}`,
          value: s.webhook.p50 / s.noop.p50,
          unit: 'x',
          aim: '',
        },
      );

      // Concurrency 50: throughput flat out, then latency at a paced 1,000 requests a second.
      const load = (p: string, extra: Record<string, unknown>, base = url) =>
        autocannon({
          url: base + p,
          connections: 50,
          duration: DURATION_S,
          requests: payloads.map((body) => ({ method: 'POST', headers, body })),
          ...extra,
        });
      const flat = {
        webhook: await load(endpoints.webhook, {}),
        noop: await load(endpoints.noop, {}),
        bare: await load(endpoints.bare, {}),
        nodeHttp: await load('/', {}, bareUrl),
      };
      // autocannon paces a rate in bursts and rounds to whole milliseconds: pace here instead, one request
      // a millisecond, at most 50 in flight, each timed from the moment it was sent.
      const paced = {
        webhook: summarize(await pacedRequests(PACED_RATE, DURATION_S, 50, (i) => post(endpoints.webhook, i))),
        noop: summarize(await pacedRequests(PACED_RATE, DURATION_S, 50, (i) => post(endpoints.noop, i))),
        nodeHttp: summarize(
          await pacedRequests(PACED_RATE, DURATION_S, 50, (i) =>
            fetch(bareUrl, { method: 'POST', headers, body: payloads[i % payloads.length] }),
          ),
        ),
      };
      const bareRatio = flat.webhook.requests.average / flat.nodeHttp.requests.average;
      const p99Ratio = paced.webhook.p99 / paced.nodeHttp.p99;
      // A wrong answer means the figures measure something else: no table. A request that timed out (10 s,
      // autocannon's default) is what an overloaded machine does: it is counted in the table instead.
      for (const [name, r] of Object.entries(flat)) {
        if (r.non2xx > 0 || r.errors > r.timeouts) {
          throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors - r.timeouts} errors`);
        }
      }
      const t50 = `(${backend.name}, concurrency 50)`;
      for (const [name, r] of Object.entries(flat)) {
        rows.push({
          area: 'webhook',
          metric: `${name} requests timed out (> 10 s) flat out ${t50}`,
          value: r.timeouts,
          unit: '',
          aim: '0',
          met: r.timeouts === 0,
        });
      }
      const ratio = flat.webhook.requests.average / flat.noop.requests.average;
      rows.push(
        {
          area: 'webhook',
          metric: `analyze-tool-execution throughput ${t50}`,
          value: flat.webhook.requests.average,
          unit: 'req/s',
          aim: '>= 1000',
          met: flat.webhook.requests.average >= 1000,
        },
        {
          area: 'webhook',
          metric: `no-op (same plumbing) throughput ${t50}`,
          value: flat.noop.requests.average,
          unit: 'req/s',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `Fastify fixed answer throughput ${t50}`,
          value: flat.bare.requests.average,
          unit: 'req/s',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `throughput ratio webhook / no-op ${t50}`,
          value: ratio,
          unit: 'x',
          aim: '>= 0.5',
          met: ratio >= 0.5,
        },
        {
          area: 'webhook',
          metric: `analyze-tool-execution p50 flat out ${t50}`,
          value: flat.webhook.latency.p50,
          unit: 'ms',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `analyze-tool-execution p99 flat out ${t50}`,
          value: flat.webhook.latency.p99,
          unit: 'ms',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `analyze-tool-execution p99 at ${PACED_RATE} req/s ${t50}`,
          value: paced.webhook.p99,
          unit: 'ms',
          aim: '< 10 ms',
          met: paced.webhook.p99 < 10,
        },
        {
          area: 'webhook',
          metric: `no-op p99 at ${PACED_RATE} req/s ${t50}`,
          value: paced.noop.p99,
          unit: 'ms',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `bare node:http throughput ${t50}`,
          value: flat.nodeHttp.requests.average,
          unit: 'req/s',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `throughput ratio webhook / bare node:http ${t50}`,
          value: bareRatio,
          unit: 'x',
          aim: '>= 0.5',
          met: bareRatio >= 0.5,
        },
        {
          area: 'webhook',
          metric: `bare node:http p99 at ${PACED_RATE} req/s ${t50}`,
          value: paced.nodeHttp.p99,
          unit: 'ms',
          aim: '',
        },
        {
          area: 'webhook',
          metric: `p99 ratio webhook / bare node:http at ${PACED_RATE} req/s ${t50}`,
          value: p99Ratio,
          unit: 'x',
          aim: '<= 2',
          met: p99Ratio <= 2,
        },
      );
    } finally {
      await stop(child);
      await backend.cleanup();
    }
  }
  return rows;
}

/** `rate` requests a second for `seconds`, never more than `maxInFlight` at once; the latency of each. */
async function pacedRequests(
  rate: number,
  seconds: number,
  maxInFlight: number,
  request: (i: number) => Promise<Response>,
): Promise<number[]> {
  const total = rate * seconds;
  const samples: number[] = [];
  let sent = 0;
  let inFlight = 0;
  let failure: Error | null = null;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      while (sent < due && inFlight < maxInFlight) {
        const i = sent++;
        inFlight++;
        const t = performance.now();
        request(i)
          .then(async (res) => {
            await res.arrayBuffer();
            if (res.status >= 400) throw new Error(`request ${i} answered ${res.status}`);
            samples.push(performance.now() - t);
          })
          .catch((err: Error) => (failure ??= err))
          .finally(() => {
            inFlight--;
            if (sent >= total && inFlight === 0) resolve();
          });
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  if (failure) throw failure;
  return samples;
}
