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

  it('takes the webhook body limit from PROTECTION_MAX_BODY_BYTES, else WEBHOOK_BODY_LIMIT', () => {
    expect(loadConfig({}).webhook.bodyLimit).toBe(1_048_576);
    expect(loadConfig({ WEBHOOK_BODY_LIMIT: '4096' }).webhook.bodyLimit).toBe(4096);
    expect(loadConfig({ WEBHOOK_BODY_LIMIT: '4096', PROTECTION_MAX_BODY_BYTES: '8192' }).webhook.bodyLimit).toBe(8192);
    expect(() => loadConfig({ PROTECTION_MAX_BODY_BYTES: '10' })).toThrow(/PROTECTION_MAX_BODY_BYTES/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 3978, databaseUrl: null });
  });
});
