import fs from 'node:fs';
import type { BenchRow } from './bench-types.js';
import type { ServerRunner } from './bench-support.js';
import { freshPostgres, seedTenant, startServer, summarize, tempDataDir, timeRequests } from './bench-support.js';

const AGENTS = 10_000;
// The tab's real mix: the default list, a filter, a search, another sort, and a second page.
const QUERIES = [
  '/api/v1/agents?limit=50',
  '/api/v1/agents?limit=50&risk=critical,high',
  '/api/v1/agents?limit=50&search=finance',
  '/api/v1/agents?limit=50&sort=name&platform=copilotStudio',
  '/api/v1/agents?limit=50&mcpMaker=true&status=active',
];

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [...(await startTimes('compiled')), ...(await startTimes('tsx'))];

  const pgdb = await freshPostgres();
  const backends: { name: string; env: Record<string, string>; cleanup: () => Promise<void> }[] = [];
  const dir = tempDataDir();
  backends.push({
    name: 'PGlite',
    env: { DATA_DIR: dir },
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  });
  if (pgdb)
    backends.push({ name: 'PostgreSQL', env: { DATA_DIR: tempDataDir(), DATABASE_URL: pgdb.url }, cleanup: pgdb.drop });

  for (const backend of backends) {
    seedTenant(backend.env, AGENTS);
    const server = await startServer(backend.env);
    try {
      const headers = { 'x-dev-user': 'megan@zava.example' };
      const get = (path: string) => fetch(server.url + path, { headers });
      await timeRequests(100, (i) => get(QUERIES[i % QUERIES.length]!)); // warm-up
      const firstPage = (await (await get('/api/v1/agents?limit=50')).json()) as { nextCursor: string };
      const paths = [...QUERIES, `/api/v1/agents?limit=50&cursor=${firstPage.nextCursor}`];
      const samples = await timeRequests(600, (i) => get(paths[i % paths.length]!));
      const { p50, p99 } = summarize(samples);
      rows.push(
        {
          area: 'api',
          metric: `GET /api/v1/agents p50 (${backend.name}, ${AGENTS.toLocaleString('en-US')} agents)`,
          value: p50,
          unit: 'ms',
          aim: '',
        },
        {
          area: 'api',
          metric: `GET /api/v1/agents p99 (${backend.name}, ${AGENTS.toLocaleString('en-US')} agents)`,
          value: p99,
          unit: 'ms',
          aim: '< 50 ms',
          met: p99 < 50,
        },
      );
    } finally {
      await server.stop();
      await backend.cleanup();
    }
  }
  return rows;
}

const START_AIM_MS = 3000;

/**
 * Start to /readyz on a fresh data directory (migrations run, the Zava tenant is seeded) and again on the same one.
 * `npm start` runs the compiled server; tsx (how it ran before) is measured in the same run for comparison.
 */
async function startTimes(runner: ServerRunner): Promise<BenchRow[]> {
  const fresh = tempDataDir();
  try {
    const first = await startServer({ DATA_DIR: fresh }, runner);
    await first.stop();
    const again = await startServer({ DATA_DIR: fresh }, runner);
    await again.stop();
    const aimed = runner === 'compiled'; // the aim is for what `npm start` runs
    return [
      {
        area: 'api',
        metric: `start to /readyz, first start (${runner}; migrate + seed Zava, PGlite)`,
        value: first.startMs,
        unit: 'ms',
        aim: aimed ? `<= ${START_AIM_MS.toLocaleString('en-US')} ms` : '',
        met: aimed ? first.startMs <= START_AIM_MS : undefined,
      },
      {
        area: 'api',
        metric: `  CPU time of that first start (${runner})`,
        value: first.startCpuMs,
        unit: 'ms',
        aim: '',
      },
      {
        area: 'api',
        metric: `start to /readyz, restart (${runner}, PGlite)`,
        value: again.startMs,
        unit: 'ms',
        aim: '',
      },
      { area: 'api', metric: `  CPU time of that restart (${runner})`, value: again.startCpuMs, unit: 'ms', aim: '' },
    ];
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}
