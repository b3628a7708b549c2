import path from 'node:path';
import { z } from 'zod/v4';
import { SettingError } from './domain/errors.js';

// Every environment variable Agent Warden reads, validated once at start. Nothing else reads process.env.

const bool = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().optional(),
  TENANT: z.enum(['embedded', 'graph']).default('embedded'),
  AUTH: z.enum(['dev', 'entra']).optional(),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: z.string().url().optional(),
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Entra (tab SSO and API bearer tokens).
  ENTRA_TENANT_ID: z.string().optional(),
  ENTRA_CLIENT_ID: z.string().optional(),
  ENTRA_AUDIENCE: z.string().optional(),
  ENTRA_ISSUER: z.string().optional(),
  ENTRA_JWKS_URL: z.string().url().optional(),
  // Bot Framework identity (docs/architecture.md, interface 6).
  BOT_ID: z.string().optional(),
  BOT_PASSWORD: z.string().optional(),
  BOT_TYPE: z.enum(['SingleTenant', 'UserAssignedMsi', 'MultiTenant']).default('SingleTenant'),
  BOT_TENANT_ID: z.string().optional(),
  TEAMS_APP_ID: z.string().default('00000000-0000-0000-0000-00000000a11d'),
  // Teams SSO for the bot (TENANT=graph: approvals act as the person who clicked). The Azure Bot's OAuth connection
  // setting, and the Bot Framework token service it lives in.
  BOT_SSO_CONNECTION: z.string().max(200).optional(),
  BOT_TOKEN_SERVICE_URL: z.string().url().default('https://token.botframework.com'),
  // Where the Bot Framework's signing keys and issuer are (sovereign clouds; tests point them at a local fake).
  BOT_OPENID_METADATA_URL: z.string().url().optional(),
  BOT_TOKEN_ISSUER: z.string().optional(),
  // Threat-detection webhook (docs/architecture.md, interface 1).
  WEBHOOK_AUDIENCE: z.string().optional(),
  WEBHOOK_ISSUER: z.string().optional(),
  WEBHOOK_JWKS_URL: z.string().url().optional(),
  WEBHOOK_ALLOWED_APP_IDS: list.optional(),
  WEBHOOK_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
  // The same limit under the protection settings' name; wins over WEBHOOK_BODY_LIMIT when both are set.
  PROTECTION_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(67_108_864).optional(),
  PROTECTION_BUDGET_MS: z.coerce.number().int().min(50).max(5000).default(800),
  PROTECTION_FAIL_MODE: z.enum(['open', 'closed']).default('open'),
  PROTECTION_DURABLE_ANSWERS: bool.default(true),
  PROTECTION_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(512),
  PROTECTION_POLICY_FILE: z.string().default('config/protection-policy.json'),
  // Graph mode.
  GRAPH_CLIENT_ID: z.string().optional(),
  GRAPH_CLIENT_SECRET: z.string().optional(),
  GRAPH_BASE_URL: z.string().url().default('https://graph.microsoft.com'),
  ENTRA_LOGIN_URL: z.string().url().default('https://login.microsoftonline.com'),
  GRAPH_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  // An approval request not decided within this many days expires: it can no longer be approved.
  APPROVAL_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  // How often the server looks for requests that expired (marks them, updates their cards, tells the makers).
  APPROVAL_EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Every agent's stored risk is reassessed this often (signals that move with the clock: dormant), and at start
  // only when a sweep is due or the risk rules changed.
  RISK_SWEEP_HOURS: z.coerce.number().min(0.001).max(168).default(6),
  // Hunting's query threads and packed tables are let go after this long without a hunt (read again by the next).
  HUNTING_IDLE_RELEASE_SECONDS: z.coerce.number().min(1).max(86_400).default(300),
  // Hunting's query threads: each holds the tables it has read, so memory grows with their number (GBs each at
  // 100,000 agents); with fewer, hunts wait for each other.
  HUNTING_QUERY_THREADS: z.coerce.number().int().min(1).max(16).default(2),
  // The query threads keep columns of text or dynamic values from this many MB packed, decode a cell each time a
  // query reads it and keep the JSON paths queries read (RawAgentInfo at 100,000 agents); smaller ones are decoded
  // once. 0: every such column packed (least memory, slower hunts); `off`: none (most memory).
  HUNTING_PACKED_CELLS_MB: z.union([z.literal('off'), z.coerce.number().min(0).max(1_000_000)]).default(128),
  // Local tooling.
  PLAYGROUND: bool.default(true),
  PLAYGROUND_PORT: z.coerce.number().int().default(56150),
  PLAYGROUND_USER: z.string().default('megan'),
});

export type AuthMode = 'dev' | 'entra';

export interface Config {
  port: number;
  host: string;
  tenant: 'embedded' | 'graph';
  auth: AuthMode;
  dataDir: string;
  databaseUrl: string | null;
  publicUrl: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  entra: {
    tenantId: string | null;
    clientId: string | null;
    audience: string | null;
    issuer: string | null;
    jwksUrl: string | null;
  };
  bot: {
    id: string | null;
    password: string | null;
    type: string;
    tenantId: string | null;
    teamsAppId: string;
    /** Teams SSO for card actions that must act as the clicker; null when not configured. */
    sso: { connectionName: string; tokenServiceUrl: string } | null;
    /** Overrides of the Bot Framework channel's OpenID metadata and token issuer; null for the public cloud's. */
    openIdMetadataUrl: string | null;
    tokenIssuer: string | null;
  };
  webhook: {
    audience: string;
    issuer: string | null;
    jwksUrl: string | null;
    allowedAppIds: string[];
    bodyLimit: number;
    budgetMs: number;
    failMode: 'open' | 'closed';
    /** Answer a decision only once its event is committed (group commit). */
    durableAnswers: boolean;
    /** Decisions in progress at most; beyond, the fail mode answers at once. */
    maxInFlight: number;
    policyFile: string;
  };
  graph: {
    clientId: string | null;
    clientSecret: string | null;
    /** Microsoft Graph's root, without the version (tests point it at a local fake). */
    baseUrl: string;
    /** The Entra login root the client-credentials token comes from. */
    loginUrl: string;
    syncIntervalSeconds: number;
  };
  playground: { enabled: boolean; port: number; user: string };
  /** Approval requests (maker resubmissions) expire this many days after they were submitted. */
  approvals: { expiryDays: number; sweepSeconds: number };
  /** How often every agent's risk is reassessed (RISK_SWEEP_HOURS). */
  riskSweepHours: number;
  /** Hunting lets go of its query threads and packed tables after this long idle (HUNTING_IDLE_RELEASE_SECONDS). */
  huntingIdleReleaseMs: number;
  /** Hunting's query threads (HUNTING_QUERY_THREADS). */
  huntingQueryThreads: number;
  /** From how many packed bytes the query threads keep a column packed (HUNTING_PACKED_CELLS_MB; Infinity: never). */
  huntingPackedCellsBytes: number;
}

/** An environment variable that is missing or wrong; the message names each one. */
export class ConfigError extends SettingError {}

/** The audience and app id the embedded key set signs webhook tokens for (simulator, tests, dev-token). */
export const EMBEDDED_WEBHOOK_AUDIENCE = 'api://agent-warden/threat-detection';
export const EMBEDDED_CALLER_APP_ID = 'e0f1a2b3-0000-4000-8000-c0f11075d10e';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const auth: AuthMode = e.AUTH ?? (e.TENANT === 'embedded' ? 'dev' : 'entra');
  if (auth === 'dev' && e.TENANT === 'graph') {
    throw new ConfigError('AUTH=dev cannot be used with TENANT=graph: set AUTH=entra and ENTRA_* variables.');
  }
  const need = (name: keyof typeof e, why: string): string => {
    const v = e[name];
    if (typeof v !== 'string' || v === '') throw new ConfigError(`${name} is required ${why}.`);
    return v;
  };
  if (auth === 'entra') {
    need('ENTRA_TENANT_ID', 'when AUTH=entra');
    need('ENTRA_CLIENT_ID', 'when AUTH=entra');
  }
  if (e.TENANT === 'graph') {
    need('WEBHOOK_JWKS_URL', 'when TENANT=graph (the Entra key set that signs Copilot Studio webhook tokens)');
    need('WEBHOOK_AUDIENCE', 'when TENANT=graph');
    need('WEBHOOK_ISSUER', 'when TENANT=graph');
    if (!e.WEBHOOK_ALLOWED_APP_IDS?.length)
      throw new ConfigError('WEBHOOK_ALLOWED_APP_IDS is required when TENANT=graph.');
    const missing = (['ENTRA_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET'] as const).filter((n) => !e[n]);
    if (missing.length)
      throw new ConfigError(
        `TENANT=graph requires ENTRA_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET (app-only Graph access); missing: ${missing.join(', ')}.`,
      );
  }
  if (e.BOT_SSO_CONNECTION) {
    need('BOT_ID', 'when BOT_SSO_CONNECTION is set (the bot whose OAuth connection it is)');
    if (e.BOT_TYPE !== 'SingleTenant' || !e.BOT_PASSWORD)
      throw new ConfigError(
        "BOT_SSO_CONNECTION needs BOT_TYPE=SingleTenant with BOT_PASSWORD: the bot reads the signed-in person's token " +
          'from the Bot Framework token service with its client secret.',
      );
    if (!(e.BOT_TENANT_ID ?? e.ENTRA_TENANT_ID)) need('BOT_TENANT_ID', 'when BOT_SSO_CONNECTION is set');
  }
  if (e.TENANT === 'graph' && e.BOT_ID && !e.BOT_SSO_CONNECTION) {
    throw new ConfigError(
      'BOT_SSO_CONNECTION is required when TENANT=graph with a bot (BOT_ID): Microsoft Graph allows approving and ' +
        "rejecting agent versions only as the signed-in person, so the bot needs its Azure Bot's OAuth connection " +
        '(see the README, "Approvals in a real tenant").',
    );
  }
  // A development sign-in must never be reachable from another machine.
  const host = auth === 'dev' ? '127.0.0.1' : (e.HOST ?? '0.0.0.0');
  if (auth === 'dev' && e.HOST && !['127.0.0.1', 'localhost', '::1'].includes(e.HOST)) {
    throw new ConfigError(
      `HOST=${e.HOST} is not allowed with AUTH=dev: the development sign-in listens on loopback only.`,
    );
  }
  const tenantId = e.ENTRA_TENANT_ID ?? null;
  return {
    port: e.PORT,
    host,
    tenant: e.TENANT,
    auth,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL ?? null,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL,
    entra: {
      tenantId,
      clientId: e.ENTRA_CLIENT_ID ?? null,
      audience: e.ENTRA_AUDIENCE ?? e.ENTRA_CLIENT_ID ?? null,
      issuer: e.ENTRA_ISSUER ?? (tenantId ? `https://login.microsoftonline.com/${tenantId}/v2.0` : null),
      jwksUrl:
        e.ENTRA_JWKS_URL ?? (tenantId ? `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys` : null),
    },
    bot: {
      id: e.BOT_ID ?? null,
      password: e.BOT_PASSWORD ?? null,
      type: e.BOT_TYPE,
      tenantId: e.BOT_TENANT_ID ?? tenantId,
      teamsAppId: e.TEAMS_APP_ID,
      sso: e.BOT_SSO_CONNECTION
        ? { connectionName: e.BOT_SSO_CONNECTION, tokenServiceUrl: e.BOT_TOKEN_SERVICE_URL.replace(/\/$/, '') }
        : null,
      openIdMetadataUrl: e.BOT_OPENID_METADATA_URL ?? null,
      tokenIssuer: e.BOT_TOKEN_ISSUER ?? null,
    },
    webhook: {
      audience: e.WEBHOOK_AUDIENCE ?? EMBEDDED_WEBHOOK_AUDIENCE,
      issuer: e.WEBHOOK_ISSUER ?? null,
      jwksUrl: e.WEBHOOK_JWKS_URL ?? null,
      allowedAppIds: e.WEBHOOK_ALLOWED_APP_IDS ?? [EMBEDDED_CALLER_APP_ID],
      bodyLimit: e.PROTECTION_MAX_BODY_BYTES ?? e.WEBHOOK_BODY_LIMIT,
      budgetMs: e.PROTECTION_BUDGET_MS,
      failMode: e.PROTECTION_FAIL_MODE,
      durableAnswers: e.PROTECTION_DURABLE_ANSWERS,
      maxInFlight: e.PROTECTION_MAX_IN_FLIGHT,
      policyFile: path.resolve(e.PROTECTION_POLICY_FILE),
    },
    graph: {
      clientId: e.GRAPH_CLIENT_ID ?? null,
      clientSecret: e.GRAPH_CLIENT_SECRET ?? null,
      baseUrl: e.GRAPH_BASE_URL.replace(/\/$/, ''),
      loginUrl: e.ENTRA_LOGIN_URL.replace(/\/$/, ''),
      syncIntervalSeconds: e.GRAPH_SYNC_INTERVAL_SECONDS,
    },
    playground: { enabled: e.PLAYGROUND, port: e.PLAYGROUND_PORT, user: e.PLAYGROUND_USER },
    approvals: { expiryDays: e.APPROVAL_EXPIRY_DAYS, sweepSeconds: e.APPROVAL_EXPIRY_SWEEP_SECONDS },
    riskSweepHours: e.RISK_SWEEP_HOURS,
    huntingIdleReleaseMs: e.HUNTING_IDLE_RELEASE_SECONDS * 1000,
    huntingQueryThreads: e.HUNTING_QUERY_THREADS,
    huntingPackedCellsBytes:
      e.HUNTING_PACKED_CELLS_MB === 'off' ? Number.POSITIVE_INFINITY : e.HUNTING_PACKED_CELLS_MB * 1024 * 1024,
  };
}

// `FOO=` in a .env file means "not set", not "empty string".
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== ''),
  );
}
