import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import { createTokenVerifier, remoteKeySet } from './auth/token-verifier.js';
import type { LocalKeySet } from './auth/local-key-set.js';
import { loadLocalKeySet } from './auth/local-key-set.js';
import { restrictToOwner } from './store/data-dir.js';
import type { OpenedDatabase } from './store/open-database.js';
import { openDatabase } from './store/open-database.js';
import type { Store } from './store/store.js';
import { createStore, storeReachable } from './store/store.js';
import { RiskSweep } from './inventory/risk-sweep.js';
import { RiskRefresher } from './inventory/risk-refresher.js';
import { RiskRefreshQueue } from './inventory/risk-refresh-queue.js';
import { InventoryQueries } from './inventory/inventory-queries.js';
import { ResponseService } from './response/response-service.js';
import { ApprovalExpirySweep } from './response/approval-expiry-sweep.js';
import { embeddedTenant } from './tenant/embedded/embedded-tenant.js';
import { GraphConnection } from './tenant/graph/graph-client.js';
import { GraphHunting } from './tenant/graph/graph-hunting.js';
import { graphTenant } from './tenant/graph/graph-tenant.js';
import { GraphSync } from './tenant/graph/graph-sync.js';
import { loadTenantSeed } from './tenant/embedded/seed-loader.js';
import { zavaTenant } from './tenant/embedded/zava/index.js';
import type { HttpTimeouts } from './http/http-server.js';
import { buildHttpServer } from './http/http-server.js';
import { RequestActivity } from './http/request-activity.js';
import { HuntingTables, type FreshnessOptions } from './hunting/hunting-tables.js';
import { PackedColumnFiles } from './hunting/table-cache.js';
import { HuntingService } from './hunting/hunting-service.js';
import { ServiceHuntRunner } from './teams/hunt-runner.js';
import type { QueryLimits } from './hunting/query-worker/query-pool.js';
import { DEFAULT_QUERY_LIMITS } from './hunting/query-worker/query-pool.js';
import { analyzeFastPath, threatDetectionRoutes } from './http/routes/threat-detection-routes.js';
import type { PolicyEvaluator } from './protection/protection-service.js';
import { ProtectionService, warmUpDecisions } from './protection/protection-service.js';
import type { ProtectionPolicy } from './protection/protection-policy.js';
import { loadProtectionPolicy } from './protection/protection-policy.js';
import { webhookTokenVerifier } from './protection/webhook-token.js';
import type { TeamsRoom } from './teams/store/teams-room.js';
import { createTeamsRoom } from './teams/store/teams-room.js';
import { Notifier } from './teams/notifier/notifier.js';
import { BotbuilderChannelSender } from './teams/notifier/botbuilder-channel-sender.js';
import type { PinoLogger } from './logging.js';
import { createLogger } from './logging.js';

export const VERSION = '0.1.0';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface AgentWarden {
  config: Config;
  http: FastifyInstance;
  store: Store;
  actions: ResponseService;
  queries: InventoryQueries;
  risk: RiskRefresher;
  /** Refreshes the stored risk of agents the webhook's alerts name, off the webhook's path. */
  riskAfterAlerts: RiskRefreshQueue;
  /** Embedded mode: the key set that stands in for Entra's (webhook tokens, dev-token, simulator). */
  localKeys: LocalKeySet | null;
  /** The threat-detection webhook's decisions and their recorder. */
  protection: ProtectionService;
  /** Advanced hunting over the store's tables (or Graph's). */
  hunting: HuntingService;
  /** The SOC bot over the store: its adapter and ports, for the notifier. */
  teams: TeamsRoom;
  /** Posts the outbox to the SOC channels; null when turned off (overrides.notifier = false). */
  notifier: Notifier | null;
  /** TENANT=graph: the poller that keeps the store's copy of the tenant fresh; null in embedded mode. */
  graphSync: GraphSync | null;
  /** What the start found worth a warning (a DATA_DIR others can read); also logged. */
  startupWarnings: string[];
  close(): Promise<void>;
}

export interface AgentWardenOverrides {
  clock?: () => Date;
  /** Tests: keep PGlite in memory instead of under DATA_DIR. */
  inMemory?: boolean;
  /** Tests: an API token verifier over keys they generated. */
  apiTokenVerifier?: TokenVerifier;
  /** Tests: serve the tab from this directory instead of dist/. */
  staticDir?: string;
  /** Tests: false silences the server's log. */
  logger?: boolean;
  /** Tests: a policy evaluator in place of the real one (a slow one exercises the fail mode). */
  protectionEvaluate?: PolicyEvaluator;
  /** Tests: the embedded key set, so they can also sign tokens the server must refuse. */
  localKeys?: LocalKeySet;
  /** Tests: false leaves the outbox alone (no notifier polling it). */
  notifier?: false;
  /** Tests: shorter HTTP request and idle timeouts. */
  httpTimeouts?: Partial<HttpTimeouts>;
  /** Tests: false builds the Graph sync without starting its timer (they call syncOnce themselves). */
  graphSync?: false;
  /** Tests: tighter hunting limits (a short wall-clock limit, a small heap). */
  huntingLimits?: Partial<QueryLimits>;
  /** Tests: when earlier agent tables answer while new ones are made (Zava is below the default size for it). */
  huntingFreshness?: FreshnessOptions;
  /**
   * The composition root: the database it began opening (`openDatabase`) while this module loaded. Closed here
   * if the start fails. Without it the database is opened here.
   */
  database?: Promise<OpenedDatabase>;
}

/** Builds every part of Agent Warden from the configuration; the composition root calls this and listens. */
export async function createAgentWarden(config: Config, overrides: AgentWardenOverrides = {}): Promise<AgentWarden> {
  const clock = overrides.clock ?? (() => new Date());
  // First, so that every room and the HTTP server write one log in one shape.
  const log = createLogger({ level: config.logLevel, enabled: overrides.logger !== false });
  // DATA_DIR is made private before anything is written under it (PGlite's files, the signing key).
  const database =
    overrides.database ??
    openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, inMemory: overrides.inMemory });
  try {
    // Read and validated at start: a bad policy file stops the server with the field that is wrong.
    const policy = loadProtectionPolicy(config.webhook.policyFile);
    // The detector and the policy's matchers compile while the database opens: the first real call does not wait.
    const warmUp = warmUpDecisions(policy, overrides.protectionEvaluate);
    return await assemble(config, overrides, await database, policy, warmUp, clock, log);
  } catch (err) {
    // A start that fails closes what it opened (PGlite finishes writing its files first).
    await database.then(({ db }) => db.close()).catch(() => undefined);
    throw err;
  }
}

async function assemble(
  config: Config,
  overrides: AgentWardenOverrides,
  { db, pgliteDir, warnings: startupWarnings }: OpenedDatabase,
  policy: ProtectionPolicy,
  warmUp: Promise<void>,
  clock: () => Date,
  log: PinoLogger,
): Promise<AgentWarden> {
  const store = createStore(db, clock);
  const risk = new RiskRefresher(store, clock);

  // The embedded key set (its first RSA key takes a moment to make) is read while the tenant is seeded.
  const keySet =
    overrides.localKeys || config.tenant !== 'embedded'
      ? Promise.resolve(overrides.localKeys ?? null)
      : loadLocalKeySet(overrides.inMemory ? null : config.dataDir);
  const freshSeed = config.tenant === 'embedded' && !(await store.meta.get('seed'));
  const seedAssessedAt = freshSeed ? clock() : null;
  if (freshSeed) {
    await loadTenantSeed(store, zavaTenant(clock()));
    await risk.refreshAll();
  }
  const localKeys = await keySet;
  const queries = new InventoryQueries(store, clock);
  // TENANT=graph: response actions go to Microsoft Graph (config validation guarantees the credentials).
  const graph =
    config.tenant === 'graph'
      ? new GraphConnection({
          tenantId: config.entra.tenantId ?? '',
          clientId: config.graph.clientId ?? '',
          clientSecret: config.graph.clientSecret ?? '',
          baseUrl: config.graph.baseUrl,
          loginUrl: config.graph.loginUrl,
        })
      : null;
  const actions = new ResponseService(store, graph ? graphTenant(store, graph) : embeddedTenant(store), risk, clock, {
    approvalExpiryDays: config.approvals.expiryDays,
  });
  // TENANT=graph: hunting queries go to Graph's runHuntingQuery, under the same wall-clock limit.
  const huntingLimits = {
    ...DEFAULT_QUERY_LIMITS,
    idleReleaseMs: config.huntingIdleReleaseMs,
    workers: config.huntingQueryThreads,
    packedCellsMinBytes: config.huntingPackedCellsBytes,
    packedDynamicMinBytes: config.huntingPackedCellsBytes,
    ...overrides.huntingLimits,
  };
  const hunting = new HuntingService(
    // The agent tables' packed columns are kept under DATA_DIR: a restart reads them back instead of building them.
    new HuntingTables(
      store,
      clock,
      overrides.inMemory ? null : new PackedColumnFiles(path.join(config.dataDir, 'hunting-tables')),
      overrides.huntingFreshness,
    ),
    clock,
    undefined,
    huntingLimits,
    graph ? new GraphHunting(graph, huntingLimits.timeoutMs) : null,
  );

  const apiTokenVerifier =
    overrides.apiTokenVerifier ??
    (config.auth === 'entra' && config.entra.jwksUrl && config.entra.issuer && config.entra.audience
      ? createTokenVerifier({
          keys: remoteKeySet(config.entra.jwksUrl),
          issuer: config.entra.issuer,
          audience: [config.entra.audience, `api://${new URL(config.publicUrl).host}/${config.entra.clientId}`],
        })
      : null);

  // Alerts the webhook raises change the named agents' risk (open-high-alerts, active-threat): refreshed a moment
  // after the batch commits, each agent once per refresh, off the webhook's path (protection does not know the
  // inventory; it reports the agents through onAgentAlerts).
  const riskAfterAlerts = new RiskRefreshQueue({
    refresh: (agentIds) => risk.refreshAgents(agentIds),
    refreshAll: () => risk.refreshAll(),
    onError: (err) => log.error({ err }, 'risk refresh after alerts failed'),
  });
  const protection = new ProtectionService({
    store,
    policy,
    budgetMs: config.webhook.budgetMs,
    failMode: config.webhook.failMode,
    durableAnswers: config.webhook.durableAnswers,
    maxInFlight: config.webhook.maxInFlight,
    sharedStore: Boolean(config.databaseUrl),
    clock,
    evaluate: overrides.protectionEvaluate,
    onAgentAlerts: (agentIds) => riskAfterAlerts.request(agentIds),
    warmUp,
    log,
  });
  await protection.start();
  const webhookOptions = {
    protection,
    verifyToken: webhookTokenVerifier(config, localKeys),
    bodyLimit: config.webhook.bodyLimit,
  };
  const webhookRoutes = threatDetectionRoutes(webhookOptions);

  // The SOC bot at POST /api/messages; its log goes to the server's.
  const { teams, plugin: botRoutes } = createTeamsRoom({
    config,
    store,
    actions,
    clock,
    version: VERSION,
    hunting: new ServiceHuntRunner(hunting, {
      appId: config.bot.teamsAppId,
      entityId: 'warden',
      baseUrl: config.publicUrl,
    }),
    log,
  });

  const http = await buildHttpServer({
    config,
    store,
    queries,
    actions,
    version: VERSION,
    hunting,
    clock,
    apiTokenVerifier,
    staticDir: overrides.staticDir ?? path.join(ROOT, 'dist'),
    ready: () => storeReachable(db),
    logger: log,
    timeouts: overrides.httpTimeouts,
    plugins: [webhookRoutes, botRoutes],
    fastPaths: [analyzeFastPath(webhookOptions)],
  });

  for (const warning of startupWarnings) log.warn({}, warning);
  // The query threads start once the server listens: ahead of the first hunt, but not competing with the start.
  http.server.once('listening', () => hunting.warm());

  // The outbox to Teams: started here, stopped first in close() so in-flight posts are recorded.
  const notifier =
    overrides.notifier === false
      ? null
      : new Notifier({
          store,
          sender: new BotbuilderChannelSender({ adapter: teams.adapter, botAppId: teams.botAppId }),
          incidents: teams.incidents,
          personalChats: teams.personalChats,
          log,
        });
  notifier?.start();

  // Time-based signals (dormant) move with the clock: stored risks are reassessed every RISK_SWEEP_HOURS, and once
  // the server listens only when a sweep is due or the risk rules changed (a fresh seed was assessed above). A sweep
  // goes a small batch at a time, yielding to requests between batches, so no request waits for it.
  const activity = new RequestActivity(http.server);
  const riskSweep = new RiskSweep({
    refreshAll: (options) => risk.refreshAll(options),
    meta: store.meta,
    clock,
    intervalMs: config.riskSweepHours * 3_600_000,
    // Between batches: at least as long as the last one took (the store is free half the time however busy the
    // machine is), then until no request has been in progress for 25 ms, at most a second (steady traffic still
    // lets it through, one short batch a second).
    beforeBatch: (lastBatchMs, signal) =>
      activity.quiet({ atLeastMs: lastBatchMs, idleMs: 25, atMostMs: 1000, signal }),
    log,
  });
  if (seedAssessedAt) await riskSweep.record(seedAssessedAt);
  http.server.once('listening', () => void riskSweep.start());

  const graphSync = graph
    ? new GraphSync({
        store,
        graph,
        risk,
        clock,
        intervalSeconds: config.graph.syncIntervalSeconds,
        log,
      })
    : null;
  if (overrides.graphSync !== false) graphSync?.start();

  // Approval requests nobody decided in time are closed as expired: their cards updated, their makers told.
  const approvalExpiry = new ApprovalExpirySweep({
    expireOverdue: (limit) => actions.expireOverdue(limit),
    intervalSeconds: config.approvals.sweepSeconds,
    log: { info: (o, m) => http.log.info(o, m), error: (o, m) => http.log.error(o, m) },
  });
  approvalExpiry.start();

  return {
    config,
    http,
    store,
    actions,
    queries,
    risk,
    riskAfterAlerts,
    localKeys,
    protection,
    hunting,
    teams,
    notifier,
    graphSync,
    startupWarnings,
    async close() {
      await riskSweep.stop();
      await graphSync?.stop();
      await approvalExpiry.stop();
      await notifier?.stop();
      await http.close();
      await hunting.close();
      // Decisions already answered are written before the database closes, and the risks their alerts change.
      await protection.close();
      await riskAfterAlerts.close();
      await db.close();
      if (pgliteDir) await restrictToOwner(pgliteDir);
    },
  };
}
