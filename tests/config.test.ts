import { describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/src/config.js';

describe('configuration', () => {
  it('defaults to the embedded tenant with the dev sign-in on loopback', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3978, tenant: 'embedded', auth: 'dev', host: '127.0.0.1', databaseUrl: null });
    expect(c.webhook).toMatchObject({ budgetMs: 800, failMode: 'open' });
  });

  it.each([
    [{ TENANT: 'graph', AUTH: 'dev' }, /AUTH=dev cannot be used with TENANT=graph/],
    [{ AUTH: 'dev', HOST: '0.0.0.0' }, /loopback only/],
    [{ AUTH: 'entra' }, /ENTRA_TENANT_ID is required/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ PROTECTION_FAIL_MODE: 'maybe' }, /PROTECTION_FAIL_MODE/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    [{ TENANT: 'graph', AUTH: 'entra', ENTRA_TENANT_ID: 't', ENTRA_CLIENT_ID: 'c' }, /WEBHOOK_JWKS_URL is required/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env as NodeJS.ProcessEnv)).toThrow(message);
  });

  it('refuses TENANT=graph without the app-only Graph credentials, naming the missing ones', () => {
    const graph = {
      TENANT: 'graph',
      ENTRA_TENANT_ID: 't',
      ENTRA_CLIENT_ID: 'c',
      WEBHOOK_JWKS_URL: 'https://login.example/keys',
      WEBHOOK_AUDIENCE: 'api://w',
      WEBHOOK_ISSUER: 'https://sts.example/',
      WEBHOOK_ALLOWED_APP_IDS: 'a',
    };
    expect(() => loadConfig(graph)).toThrow(/missing: GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET/);
    expect(() => loadConfig({ ...graph, GRAPH_CLIENT_ID: 'g' })).toThrow(/missing: GRAPH_CLIENT_SECRET\./);
    const c = loadConfig({ ...graph, GRAPH_CLIENT_ID: 'g', GRAPH_CLIENT_SECRET: 's' });
    expect(c.graph).toEqual({
      clientId: 'g',
      clientSecret: 's',
      baseUrl: 'https://graph.microsoft.com',
      loginUrl: 'https://login.microsoftonline.com',
      syncIntervalSeconds: 60,
    });
    expect(
      loadConfig({ ...graph, GRAPH_CLIENT_ID: 'g', GRAPH_CLIENT_SECRET: 's', GRAPH_BASE_URL: 'http://127.0.0.1:9/' })
        .graph.baseUrl,
    ).toBe('http://127.0.0.1:9');
  });

  it('asks for Teams SSO (the OAuth connection) when TENANT=graph has a bot, and what the connection needs', () => {
    const graph = {
      TENANT: 'graph',
      ENTRA_TENANT_ID: 't',
      ENTRA_CLIENT_ID: 'c',
      WEBHOOK_JWKS_URL: 'https://login.example/keys',
      WEBHOOK_AUDIENCE: 'api://w',
      WEBHOOK_ISSUER: 'https://sts.example/',
      WEBHOOK_ALLOWED_APP_IDS: 'a',
      GRAPH_CLIENT_ID: 'g',
      GRAPH_CLIENT_SECRET: 's',
    };
    expect(loadConfig(graph).bot.sso).toBeNull();
    const bot = { ...graph, BOT_ID: 'b', BOT_PASSWORD: 'p' };
    expect(() => loadConfig(bot)).toThrow(/BOT_SSO_CONNECTION is required when TENANT=graph with a bot/);
    expect(() => loadConfig({ ...bot, BOT_PASSWORD: '', BOT_SSO_CONNECTION: 'warden' })).toThrow(
      /BOT_SSO_CONNECTION needs BOT_TYPE=SingleTenant with BOT_PASSWORD/,
    );
    expect(() => loadConfig({ ...bot, BOT_TYPE: 'UserAssignedMsi', BOT_SSO_CONNECTION: 'warden' })).toThrow(
      /BOT_SSO_CONNECTION needs BOT_TYPE=SingleTenant/,
    );
    expect(() => loadConfig({ BOT_SSO_CONNECTION: 'warden' })).toThrow(/BOT_ID is required when BOT_SSO_CONNECTION/);
    expect(() => loadConfig({ ...bot, BOT_SSO_CONNECTION: 'warden', BOT_TOKEN_SERVICE_URL: 'token service' })).toThrow(
      /BOT_TOKEN_SERVICE_URL/,
    );
    const c = loadConfig({ ...bot, BOT_SSO_CONNECTION: 'warden' });
    expect(c.bot).toMatchObject({
      sso: { connectionName: 'warden', tokenServiceUrl: 'https://token.botframework.com' },
      tenantId: 't',
      openIdMetadataUrl: null,
      tokenIssuer: null,
    });
  });

  it('takes the webhook body limit from PROTECTION_MAX_BODY_BYTES, else WEBHOOK_BODY_LIMIT', () => {
    expect(loadConfig({}).webhook.bodyLimit).toBe(1_048_576);
    expect(loadConfig({ WEBHOOK_BODY_LIMIT: '4096' }).webhook.bodyLimit).toBe(4096);
    expect(loadConfig({ WEBHOOK_BODY_LIMIT: '4096', PROTECTION_MAX_BODY_BYTES: '8192' }).webhook.bodyLimit).toBe(8192);
    expect(() => loadConfig({ PROTECTION_MAX_BODY_BYTES: '10' })).toThrow(/PROTECTION_MAX_BODY_BYTES/);
  });

  it("takes hunting's query threads and packed columns from HUNTING_QUERY_THREADS and HUNTING_PACKED_CELLS_MB", () => {
    expect(loadConfig({})).toMatchObject({ huntingQueryThreads: 2, huntingPackedCellsBytes: 128 * 1024 * 1024 });
    expect(loadConfig({ HUNTING_PACKED_CELLS_MB: 'off' })).toMatchObject({
      huntingPackedCellsBytes: Number.POSITIVE_INFINITY,
    });
    expect(loadConfig({ HUNTING_QUERY_THREADS: '1', HUNTING_PACKED_CELLS_MB: '4' })).toMatchObject({
      huntingQueryThreads: 1,
      huntingPackedCellsBytes: 4 * 1024 * 1024,
    });
    expect(() => loadConfig({ HUNTING_QUERY_THREADS: '0' })).toThrow(/HUNTING_QUERY_THREADS/);
    expect(() => loadConfig({ HUNTING_PACKED_CELLS_MB: 'some' })).toThrow(/HUNTING_PACKED_CELLS_MB/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3978, databaseUrl: null });
  });
});
