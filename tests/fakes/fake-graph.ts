import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { createTokenVerifier } from '../../bot/src/auth/token-verifier.js';
import { KqlError, compileKql } from '../../bot/src/hunting/kql/index.js';
import type { Column, Row } from '../../bot/src/hunting/kql/index.js';
import type { QueryLimits } from '../../bot/src/hunting/query-worker/query-pool.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// A local Microsoft Graph and Entra token endpoint over real HTTP, faithful to the documented contract
// (docs/architecture.md, interfaces 2, 4 and 5): client-credentials tokens (form body, scope .default, expires_in), bearer
// tokens checked on every Graph call (401 InvalidAuthenticationToken), error bodies {error:{code,message}},
// collections as {value, @odata.nextLink} with an absolute nextLink, $filter on lastUpdateDateTime for the
// security resources, 204 for block/unblock/confirmCompromised, 200 {value:true} for revokeSignInSessions,
// 412 when If-Match does not match a Teams app definition's etag, and 429 with Retry-After on demand.
// Tokens say who calls, as Graph's do: app-only (client credentials) or delegated (a person, with scopes). The Teams
// app catalog review (PATCH appDefinitions) takes only a delegated token with AppCatalog.ReadWrite.All of a Teams
// administrator, and refuses an app-only one with 403, as Graph does. Other apps (the bot) can get client-credentials
// tokens for their own resources (the Bot Framework), which Graph does not accept.
// Advanced hunting: POST /v1.0/security/runHuntingQuery with {"Query": "...", "Timespan"?} answers a
// huntingQueryResults ({schema: [{name, type}] with .NET type names, results}); a query that does not run is a 400
// BadRequest with the reason; the tables are what the test puts in `huntingTables` (run by a KQL engine).

export interface FakePackage {
  id: string;
  displayName: string;
  type?: string;
  isBlocked: boolean;
  platform?: string;
  publisher?: string;
  version?: string;
  manifestId?: string;
  appId?: string;
}

export interface FakeUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  jobTitle?: string;
  department?: string;
  accountEnabled: boolean;
}

export interface FakeAlert {
  id: string;
  incidentId: string;
  status: string;
  severity: string;
  title: string;
  category: string;
  serviceSource: string;
  detectorId: string;
  createdDateTime: string;
  lastUpdateDateTime: string;
  evidence: Record<string, unknown>[];
  [k: string]: unknown;
}

export interface FakeIncident {
  id: string;
  displayName: string;
  severity: string;
  status: string;
  createdDateTime: string;
  lastUpdateDateTime: string;
  [k: string]: unknown;
}

export interface FakeAppDefinition {
  id: string;
  version: string;
  publishingState: 'submitted' | 'published' | 'rejected';
  etag: string;
}

/** Who a Graph call was made by, from its token. */
export type GraphCaller =
  { kind: 'app'; clientId: string } | { kind: 'delegated'; oid: string; upn: string; scopes: string[] };

/** Another app registered in the fake Entra, with the one resource it may get client-credentials tokens for. */
export interface FakeEntraApp {
  clientId: string;
  clientSecret: string;
  /** e.g. https://api.botframework.com/.default */
  scope: string;
}

export interface RecordedRequest {
  caller: GraphCaller | null;
  method: string;
  /** The path with the version, without the query: /v1.0/users/x/revokeSignInSessions */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  token: string | null;
}

interface Fault {
  method: string;
  path: RegExp;
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
  times: number;
}

export interface FakeGraphOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  pageSize?: number;
}

export class FakeGraph {
  readonly packages = new Map<string, FakePackage>();
  readonly users = new Map<string, FakeUser>();
  readonly alerts = new Map<string, FakeAlert>();
  readonly incidents = new Map<string, FakeIncident>();
  readonly teamsApps = new Map<string, FakeAppDefinition[]>();
  /** userIds confirmed compromised, in order. */
  readonly compromised: string[] = [];
  readonly requests: RecordedRequest[] = [];
  /** Graph app-only tokens issued to the Graph client (client credentials), in order. */
  readonly tokensIssued: string[] = [];
  /** Delegated Graph tokens (a person's, e.g. through the Bot Framework token service after Teams SSO). */
  readonly delegatedTokens = new Map<string, { oid: string; upn: string; scopes: string[] }>();
  /** Client-credentials tokens of other apps, for their own resources (not Graph). */
  readonly otherAppTokens = new Map<string, { clientId: string; scope: string }>();
  /** Object ids of Teams administrators: the people Graph lets review the Teams app catalog. */
  readonly teamsAdmins = new Set<string>();
  /** Advanced hunting's tables: what runHuntingQuery runs over. */
  huntingTables: Record<string, { columns: Column[]; rows: Row[] }> = {};
  /** runHuntingQuery answers after this many milliseconds (a long query). */
  huntingDelayMs = 0;
  private readonly apps = new Map<string, FakeEntraApp>();
  private readonly faults: Fault[] = [];
  private server!: http.Server;
  url = '';

  constructor(private readonly options: FakeGraphOptions) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (err instanceof FilterError) {
          return send(res, 400, { error: { code: 'BadRequest', message: `Invalid filter clause: ${err.message}` } });
        }
        send(res, 500, { error: { code: 'InternalServerError', message: String(err) } });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Registers another app in the fake Entra (the bot), which may get client-credentials tokens for `scope`. */
  registerApp(app: FakeEntraApp): void {
    this.apps.set(app.clientId, app);
  }

  /** What an Entra token endpoint gives a person's sign-in for Graph: a delegated token with these scopes. */
  issueDelegatedToken(user: { oid: string; upn: string }, scopes: string[]): string {
    const token = `fake-delegated-${randomUUID()}`;
    this.delegatedTokens.set(token, { ...user, scopes });
    return token;
  }

  /** Who a Graph token stands for; null when Graph would not accept it. */
  callerOf(token: string | null): GraphCaller | null {
    if (!token) return null;
    if (this.tokensIssued.includes(token)) return { kind: 'app', clientId: this.options.clientId };
    const person = this.delegatedTokens.get(token);
    return person ? { kind: 'delegated', ...person } : null;
  }

  /** The next `times` requests matching method and path get this error instead. */
  fail(
    method: string,
    path: RegExp,
    f: { status: number; code: string; message: string; retryAfter?: number; times?: number },
  ) {
    this.faults.push({ method, path, times: 1, ...f });
  }

  /** Graph calls (not token requests) whose path matches. */
  calls(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname === `/${this.options.tenantId}/oauth2/v2.0/token`) {
      return this.token(raw, req, res);
    }
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : null;
    let body: unknown = undefined;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(res, 400, { error: { code: 'BadRequest', message: 'Unable to read JSON request payload.' } });
      }
    }
    const method = req.method ?? 'GET';
    const caller = this.callerOf(token);
    this.requests.push({
      caller,
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      token,
    });
    if (!token) {
      return send(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    }
    if (!caller) {
      return send(res, 401, {
        error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' },
      });
    }
    const fault = this.faults.find((f) => f.method === method && f.path.test(url.pathname) && f.times > 0);
    if (fault) {
      fault.times -= 1;
      const headers: Record<string, string> =
        fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {};
      return send(res, fault.status, { error: { code: fault.code, message: fault.message } }, headers);
    }
    return this.route(method, url, body, req, res, caller);
  }

  private runHuntingQuery(body: unknown, res: http.ServerResponse): void {
    const query = (body as { Query?: unknown } | undefined)?.Query;
    if (typeof query !== 'string' || query.trim() === '') {
      return send(res, 400, { error: { code: 'BadRequest', message: "The 'Query' parameter is required." } });
    }
    const tables = this.huntingTables;
    let answer: { schema: { name: string; type: string }[]; results: Record<string, unknown>[] };
    try {
      const compiled = compileKql(query, {
        schema: (name) => tables[name]?.columns ?? null,
        tableNames: () => Object.keys(tables),
      });
      const result = compiled.run({ rows: (name) => tables[name]?.rows ?? [], now: new Date() });
      answer = {
        schema: result.schema.map((c) => ({ name: c.name, type: GRAPH_TYPES[c.type] })),
        results: result.rows,
      };
    } catch (err) {
      if (!(err instanceof KqlError)) throw err;
      return send(res, 400, { error: { code: 'BadRequest', message: `Query has resulted in error: ${err.message}` } });
    }
    const body200 = {
      '@odata.context': `${this.url}/v1.0/$metadata#microsoft.graph.security.huntingQueryResults`,
      ...answer,
    };
    if (this.huntingDelayMs > 0) {
      setTimeout(() => {
        if (!res.destroyed) send(res, 200, body200);
      }, this.huntingDelayMs);
      return;
    }
    send(res, 200, body200);
  }

  private token(raw: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const form = new URLSearchParams(raw);
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return send(res, 400, {
        error: 'invalid_request',
        error_description: 'AADSTS900144: The request body must contain form data.',
      });
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'AADSTS70003: unsupported grant type.',
      });
    }
    const other = this.apps.get(form.get('client_id') ?? '');
    if (other) {
      if (form.get('scope') !== other.scope) {
        return send(res, 400, {
          error: 'invalid_scope',
          error_description: 'AADSTS1002012: The provided value for scope is not valid.',
        });
      }
      if (form.get('client_secret') !== other.clientSecret) {
        return send(res, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      }
      const token = `fake-app-${randomUUID()}`;
      this.otherAppTokens.set(token, { clientId: other.clientId, scope: other.scope });
      return send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    if (form.get('scope') !== 'https://graph.microsoft.com/.default') {
      return send(res, 400, {
        error: 'invalid_scope',
        error_description: 'AADSTS1002012: The provided value for scope is not valid.',
      });
    }
    if (form.get('client_id') !== this.options.clientId) {
      return send(res, 400, {
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application '${form.get('client_id')}' was not found.`,
      });
    }
    if (form.get('client_secret') !== this.options.clientSecret) {
      return send(res, 401, {
        error: 'invalid_client',
        error_description: 'AADSTS7000215: Invalid client secret provided.',
      });
    }
    const token = `fake-${randomUUID()}`;
    this.tokensIssued.push(token);
    send(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  private route(
    method: string,
    url: URL,
    body: unknown,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    caller: GraphCaller,
  ): void {
    const p = url.pathname;
    const notFound = (what: string) =>
      send(res, 404, {
        error: {
          code: 'Request_ResourceNotFound',
          message: `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
        },
      });
    let m: RegExpMatchArray | null;

    if (method === 'GET' && /^\/(v1\.0|beta)\/copilot\/admin\/catalog\/packages$/.test(p)) {
      return this.page(res, url, [...this.packages.values()]);
    }
    if (method === 'POST' && (m = p.match(/^\/beta\/copilot\/admin\/catalog\/packages\/([^/]+)\/(block|unblock)$/))) {
      const pkg = this.packages.get(decodeURIComponent(m[1]!));
      if (!pkg) return notFound(m[1]!);
      pkg.isBlocked = m[2] === 'block';
      return send(res, 204);
    }
    if (method === 'POST' && (m = p.match(/^\/v1\.0\/users\/([^/]+)\/revokeSignInSessions$/))) {
      if (!this.findUser(decodeURIComponent(m[1]!))) return notFound(m[1]!);
      return send(res, 200, { '@odata.context': `${this.url}/v1.0/$metadata#Edm.Boolean`, value: true });
    }
    if (method === 'GET' && (m = p.match(/^\/v1\.0\/users\/([^/]+)$/))) {
      const user = this.findUser(decodeURIComponent(m[1]!));
      if (!user) return notFound(m[1]!);
      return send(res, 200, user);
    }
    if (method === 'POST' && p === '/v1.0/identityProtection/riskyUsers/confirmCompromised') {
      const ids = (body as { userIds?: unknown } | undefined)?.userIds;
      if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) {
        return send(res, 400, { error: { code: 'BadRequest', message: "Invalid request: 'userIds' is required." } });
      }
      this.compromised.push(...(ids as string[]));
      return send(res, 204);
    }
    if (method === 'POST' && (p === '/v1.0/security/runHuntingQuery' || p === '/beta/security/runHuntingQuery')) {
      return this.runHuntingQuery(body, res);
    }
    if (method === 'GET' && p === '/v1.0/security/alerts_v2') {
      return this.page(res, url, this.updatedAfter([...this.alerts.values()], url));
    }
    if (method === 'GET' && p === '/v1.0/security/incidents') {
      return this.page(
        res,
        url,
        this.updatedAfter([...this.incidents.values()], url).map((i) => this.expand(i, url)),
      );
    }
    if (method === 'GET' && (m = p.match(/^\/v1\.0\/security\/incidents\/([^/]+)$/))) {
      const incident = this.incidents.get(decodeURIComponent(m[1]!));
      if (!incident) return notFound(m[1]!);
      return send(res, 200, this.expand(incident, url));
    }
    if (method === 'GET' && (m = p.match(/^\/v1\.0\/appCatalogs\/teamsApps\/([^/]+)\/appDefinitions$/))) {
      const defs = this.teamsApps.get(decodeURIComponent(m[1]!));
      if (!defs) return notFound(m[1]!);
      const state = (url.searchParams.get('$filter') ?? '').match(/publishingState eq '(\w+)'/)?.[1];
      return send(res, 200, {
        value: defs
          .filter((d) => !state || d.publishingState === state)
          .map((d) => ({
            '@odata.etag': d.etag,
            id: d.id,
            version: d.version,
            publishingState: d.publishingState,
          })),
      });
    }
    if (method === 'PATCH' && (m = p.match(/^\/v1\.0\/appCatalogs\/teamsApps\/([^/]+)\/appDefinitions\/([^/]+)$/))) {
      // The Teams app catalog review: delegated permissions only (AppCatalog.ReadWrite.All), by a Teams admin.
      if (caller.kind === 'app') {
        return send(res, 403, {
          error: {
            code: 'Forbidden',
            message: 'This operation does not support application permissions; call it with delegated permissions.',
          },
        });
      }
      if (!caller.scopes.includes('AppCatalog.ReadWrite.All') || !this.teamsAdmins.has(caller.oid)) {
        return send(res, 403, {
          error: { code: 'Forbidden', message: 'Insufficient privileges to complete the operation.' },
        });
      }
      const def = this.teamsApps.get(decodeURIComponent(m[1]!))?.find((d) => d.id === decodeURIComponent(m![2]!));
      if (!def) return notFound(m[2]!);
      if (req.headers['if-match'] !== def.etag) {
        return send(res, 412, {
          error: { code: 'PreconditionFailed', message: 'The If-Match header does not match the current etag.' },
        });
      }
      const state = (body as { publishingState?: string } | undefined)?.publishingState;
      if (state !== 'published' && state !== 'rejected') {
        return send(res, 400, {
          error: { code: 'BadRequest', message: 'publishingState must be published or rejected.' },
        });
      }
      def.publishingState = state;
      def.etag = `W/"${randomUUID()}"`;
      return send(res, 204);
    }
    return send(res, 400, { error: { code: 'BadRequest', message: `Resource not found for the segment '${p}'.` } });
  }

  private findUser(idOrUpn: string): FakeUser | undefined {
    return (
      this.users.get(idOrUpn) ??
      [...this.users.values()].find((u) => u.userPrincipalName.toLowerCase() === idOrUpn.toLowerCase())
    );
  }

  private expand(incident: FakeIncident, url: URL): FakeIncident {
    if (!(url.searchParams.get('$expand') ?? '').split(',').includes('alerts')) return incident;
    return { ...incident, alerts: [...this.alerts.values()].filter((a) => a.incidentId === incident.id) };
  }

  /** `$filter=lastUpdateDateTime gt <time>`, the only filter the sync uses; others are refused like Graph would. */
  private updatedAfter<T extends { lastUpdateDateTime: string }>(items: T[], url: URL): T[] {
    const filter = url.searchParams.get('$filter');
    const sorted = [...items].sort((a, b) => Date.parse(a.lastUpdateDateTime) - Date.parse(b.lastUpdateDateTime));
    if (!filter) return sorted;
    const m = filter.match(/^lastUpdateDateTime gt (\S+)$/);
    if (!m || Number.isNaN(Date.parse(m[1]!))) throw new FilterError(filter);
    return sorted.filter((i) => Date.parse(i.lastUpdateDateTime) > Date.parse(m[1]!));
  }

  /** $top (default the page size) and $skip; nextLink is absolute, as Graph sends it. */
  private page(res: http.ServerResponse, url: URL, items: unknown[]): void {
    const top = Math.min(
      Number(url.searchParams.get('$top') ?? this.options.pageSize ?? 100),
      this.options.pageSize ?? 100,
    );
    const skip = Number(url.searchParams.get('$skip') ?? 0);
    const value = items.slice(skip, skip + top);
    const body: Record<string, unknown> = { '@odata.context': `${this.url}${url.pathname}/$metadata`, value };
    if (skip + top < items.length) {
      const next = new URL(url.pathname, this.url);
      url.searchParams.forEach((v, k) => {
        if (k !== '$skip') next.searchParams.set(k, v);
      });
      next.searchParams.set('$skip', String(skip + top));
      body['@odata.nextLink'] = next.toString().replace(/%24/g, '$');
    }
    send(res, 200, body);
  }
}

class FilterError extends Error {}

/** The .NET type names Graph's huntingQueryResults schema gives each column type. */
const GRAPH_TYPES: Record<Column['type'], string> = {
  string: 'String',
  long: 'Int64',
  real: 'Double',
  bool: 'Boolean',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  dynamic: 'Object',
};

function send(res: http.ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res
    .writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', ...headers })
    .end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// ---- Agent Warden in TENANT=graph against a FakeGraph ----

export const GRAPH_TENANT = '11111111-2222-3333-4444-555555555555';
export const GRAPH_APP = { clientId: '99999999-8888-7777-6666-555555555555', clientSecret: 'fake-secret' };
const API_CLIENT = '66666666-7777-8888-9999-000000000000';
const API_ISSUER = `https://login.microsoftonline.com/${GRAPH_TENANT}/v2.0`;

export interface GraphWarden {
  server: TestServer;
  /** A bearer token for the REST API, signed with the test's own key (AUTH=entra). */
  token(who: { oid: string; upn: string; name: string; roles: string[] }): Promise<string>;
  api<T = unknown>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** The whole server in graph mode (AUTH=entra, Graph and login pointed at the fake); its sync timer only on request. */
export async function startGraphWarden(
  backend: 'pglite' | 'postgres',
  fake: FakeGraph,
  options: { startSync?: boolean; env?: Record<string, string>; huntingLimits?: Partial<QueryLimits> } = {},
): Promise<GraphWarden> {
  const keys = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' };
  const server = await startTestServer(
    backend,
    {
      TENANT: 'graph',
      AUTH: 'entra',
      ENTRA_TENANT_ID: GRAPH_TENANT,
      ENTRA_CLIENT_ID: API_CLIENT,
      GRAPH_CLIENT_ID: GRAPH_APP.clientId,
      GRAPH_CLIENT_SECRET: GRAPH_APP.clientSecret,
      GRAPH_BASE_URL: fake.url,
      ENTRA_LOGIN_URL: fake.url,
      WEBHOOK_JWKS_URL: `${fake.url}/webhook-keys`,
      WEBHOOK_AUDIENCE: 'api://agent-warden/threat-detection',
      WEBHOOK_ISSUER: `https://sts.windows.net/${GRAPH_TENANT}/`,
      WEBHOOK_ALLOWED_APP_IDS: 'e0f1a2b3-0000-4000-8000-c0f11075d10e',
      ...options.env,
    },
    {
      apiTokenVerifier: createTokenVerifier({
        keys: createLocalJWKSet({ keys: [jwk] }),
        issuer: API_ISSUER,
        audience: API_CLIENT,
      }),
      ...(options.startSync ? {} : { graphSync: false as const }),
      ...(options.huntingLimits ? { huntingLimits: options.huntingLimits } : {}),
      notifier: false,
    },
  );
  return {
    server,
    token: (who) =>
      new SignJWT({ oid: who.oid, preferred_username: who.upn, name: who.name, roles: who.roles })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(API_ISSUER)
        .setAudience(API_CLIENT)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(keys.privateKey),
    async api<T>(token: string, method: string, path: string, body?: unknown) {
      const res = await fetch(server.url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
  };
}
