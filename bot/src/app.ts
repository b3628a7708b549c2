import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import { createTokenVerifier, remoteKeySet } from './auth/token-verifier.js';
import type { LocalKeySet } from './auth/local-key-set.js';
import { loadLocalKeySet } from './auth/local-key-set.js';
import { openDb } from './store/db.js';
import { migrate } from './store/migrate.js';
import type { Store } from './store/store.js';
import { createStore } from './store/store.js';
import { RiskRefresher } from './inventory/risk-refresher.js';
import { InventoryQueries } from './inventory/inventory-queries.js';
import { ResponseService } from './response/response-service.js';
import { embeddedTenant } from './tenant/embedded/embedded-tenant.js';
import { loadTenantSeed } from './tenant/embedded/seed-loader.js';
import { zavaTenant } from './tenant/embedded/zava/index.js';
import { buildHttpServer } from './http/http-server.js';

export const VERSION = '0.1.0';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentWarden {
  config: Config;
  http: FastifyInstance;
  store: Store;
  actions: ResponseService;
  queries: InventoryQueries;
  risk: RiskRefresher;
  /** Embedded mode: the key set that stands in for Entra's (webhook tokens, dev-token, simulator). */
  localKeys: LocalKeySet | null;
  close(): Promise<void>;
}

export interface AgentWardenOverrides {
  clock?: () => Date;
  /** Tests: keep PGlite in memory instead of under DATA_DIR. */
  inMemory?: boolean;
  /** Tests: an API token verifier over keys they generated. */
  apiTokenVerifier?: TokenVerifier;
  logger?: boolean;
}

/** Builds every part of Agent Warden from the configuration; the composition root calls this and listens. */
export async function createAgentWarden(config: Config, overrides: AgentWardenOverrides = {}): Promise<AgentWarden> {
  const clock = overrides.clock ?? (() => new Date());
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: overrides.inMemory ? null : path.join(config.dataDir, 'pglite'),
  });
  await migrate(db);
  const store = createStore(db);
  const risk = new RiskRefresher(store, clock);

  if (config.tenant === 'embedded' && !(await store.meta.get('seed'))) {
    await loadTenantSeed(store, zavaTenant(clock()));
  }
  // Time-based signals (dormant) move with the clock: start from a fresh assessment.
  await risk.refreshAll();

  const localKeys =
    config.tenant === 'embedded' ? await loadLocalKeySet(overrides.inMemory ? null : config.dataDir) : null;
  const queries = new InventoryQueries(store, clock);
  const actions = new ResponseService(store, embeddedTenant(store), risk, clock);

  const apiTokenVerifier =
    overrides.apiTokenVerifier ??
    (config.auth === 'entra' && config.entra.jwksUrl && config.entra.issuer && config.entra.audience
      ? createTokenVerifier({
          keys: remoteKeySet(config.entra.jwksUrl),
          issuer: config.entra.issuer,
          audience: [config.entra.audience, `api://${new URL(config.publicUrl).host}/${config.entra.clientId}`],
        })
      : null);

  const http = await buildHttpServer({
    config,
    store,
    queries,
    actions,
    version: VERSION,
    apiTokenVerifier,
    staticDir: path.join(ROOT, 'dist'),
    ready: async () => (await db.query('select 1 as ok')).length === 1,
    logger: overrides.logger,
  });

  return {
    config,
    http,
    store,
    actions,
    queries,
    risk,
    localKeys,
    async close() {
      await http.close();
      await db.close();
    },
  };
}
