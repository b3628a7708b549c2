// npm run seed -- --agents 10000 [--seed 7] : replaces the store's tenant with a deterministic synthetic one
// (for benchmarks); without --agents it restores the Zava demo tenant. Uses DATA_DIR / DATABASE_URL like the server.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { createStore } from '../src/store/store.js';
import { loadTenantSeed } from '../src/tenant/embedded/seed-loader.js';
import { syntheticTenant } from './synthetic-tenant.js';
import { zavaTenant } from '../src/tenant/embedded/zava/index.js';
import { RiskRefresher } from '../src/inventory/risk-refresher.js';
import { recordRiskSweep } from '../src/inventory/risk-sweep.js';

const TENANT_TABLES = [
  'alert_events',
  'events',
  'alerts',
  'incidents',
  'submissions',
  'agent_snapshots',
  'agents',
  'users',
  'meta',
];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { agents: { type: 'string' }, seed: { type: 'string', default: '1' } },
  });
  const config = loadConfig();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite') });
  await migrate(db);
  const store = createStore(db);
  const now = new Date();
  const started = Date.now();
  const tenant = values.agents
    ? syntheticTenant({ agents: Number(values.agents), seed: Number(values.seed), now })
    : zavaTenant(now);
  if (!Number.isInteger(tenant.agents.length) || (values.agents && !(Number(values.agents) > 0))) {
    throw new Error('--agents takes a positive whole number');
  }
  await db.exec(`truncate ${TENANT_TABLES.join(', ')} cascade`);
  await loadTenantSeed(store, tenant);
  await new RiskRefresher(store, () => now).refreshAll();
  // A server started on this tenant finds every risk current: no sweep at its start (inventory/risk-sweep.ts).
  await recordRiskSweep(store.meta, now);
  // Planner statistics for the bulk load, GIN indexes' included (only VACUUM records those): without
  // them the planner reads every agent for a search. PGlite has no autovacuum to do it later.
  await db.exec('vacuum analyze');
  await db.close();
  console.log(
    `seeded ${tenant.agents.length} agents, ${tenant.users.length} users, ${tenant.alerts.length} alerts ` +
      `into ${config.databaseUrl ? 'PostgreSQL' : `PGlite at ${path.join(config.dataDir, 'pglite')}`} in ${Date.now() - started} ms`,
  );
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
