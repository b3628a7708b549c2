import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { SignJWT, UnsecuredJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { createTokenVerifier } from '../../bot/src/auth/token-verifier.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// AUTH=entra with keys the test generates, standing in for the tenant's signing keys.
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = '66666666-7777-8888-9999-000000000000';
const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

describe('API with AUTH=entra', () => {
  let server: TestServer;
  let trustedKey: CryptoKey;
  let sign: (
    claims: Record<string, unknown>,
    options?: { aud?: string; iss?: string; exp?: string; key?: 'other' },
  ) => Promise<string>;

  beforeAll(async () => {
    const trusted = await generateKeyPair('RS256');
    trustedKey = trusted.privateKey;
    const other = await generateKeyPair('RS256');
    const publicJwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: 'k1', alg: 'RS256' };
    sign = (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: options.key === 'other' ? 'k2' : 'k1' })
        .setIssuer(options.iss ?? ISSUER)
        .setAudience(options.aud ?? CLIENT)
        .setIssuedAt()
        .setExpirationTime(options.exp ?? '10m')
        .sign(options.key === 'other' ? other.privateKey : trusted.privateKey);
    server = await startTestServer(
      'pglite',
      { AUTH: 'entra', ENTRA_TENANT_ID: TENANT, ENTRA_CLIENT_ID: CLIENT },
      {
        apiTokenVerifier: createTokenVerifier({
          keys: createLocalJWKSet({ keys: [publicJwk] }),
          issuer: ISSUER,
          audience: CLIENT,
        }),
      },
    );
  });
  afterAll(async () => server?.close());

  const call = (token: string, path = '/api/v1/me') =>
    fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const adele = {
    oid: 'oid-adele',
    preferred_username: 'Adele@zava.example',
    name: 'Adele Vance',
    roles: ['Warden.Admin'],
  };

  it('accepts a valid token and takes roles from it', async () => {
    const res = await call(await sign(adele));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: 'oid-adele',
      upn: 'adele@zava.example',
      displayName: 'Adele Vance',
      roles: ['admin'],
    });
  });

  it('ignores the dev header', async () => {
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { 'x-dev-user': 'adele@zava.example' } });
    expect(res.status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/personas`)).status).toBe(404);
  });

  it.each([
    ['wrong audience', () => sign(adele, { aud: 'api://someone-else' }), /aud/],
    ['wrong issuer', () => sign(adele, { iss: 'https://evil.example/v2.0' }), /iss/],
    ['expired', () => sign(adele, { exp: '-5m' }), /expired/],
    ['unknown key', () => sign(adele, { key: 'other' }), /key|signature/],
    [
      'alg none',
      async () => new UnsecuredJWT(adele).setIssuer(ISSUER).setAudience(CLIENT).setExpirationTime('10m').encode(),
      /./,
    ],
    ['garbage', async () => 'not.a.token', /malformed|not valid/],
  ])('refuses a token with %s (401, JSON)', async (_name, make, message) => {
    const res = await call(await make());
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(message);
  });

  it('refuses a token with no app role on every route but info (403)', async () => {
    const none = await sign({ oid: 'oid-g', preferred_username: 'griffin@zava.example', roles: [] });
    for (const path of ['/api/v1/me', '/api/v1/audit', '/api/v1/users/griffin@zava.example', '/api/v1/agents']) {
      expect((await call(none, path)).status, path).toBe(403);
    }
    expect((await call(none, '/api/v1/info')).status).toBe(200);
  });

  it.each([
    ['no oid', { preferred_username: 'adele@zava.example', roles: ['Warden.Admin'] }, { iat: true }, /oid/],
    ['no iat', adele, { iat: false }, /iat/],
  ])('refuses a token with %s (401)', async (_name, claims, { iat }, message) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(CLIENT);
    if (iat) jwt = jwt.setIssuedAt();
    const res = await call(await jwt.setExpirationTime('10m').sign(trustedKey));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
  });

  it('names a token without a sign-in name by its oid, so no audit record has an empty actor', async () => {
    const app = await sign({ oid: 'oid-automation', roles: ['Warden.Admin'] });
    const me = (await (await call(app)).json()) as { upn: string; id: string };
    expect(me).toMatchObject({ id: 'oid-automation', upn: 'oid-automation' });
  });

  it('checks roles from the token on actions', async () => {
    const viewer = await sign({
      oid: 'oid-p',
      preferred_username: 'pradeep@zava.example',
      name: 'Pradeep',
      roles: ['Warden.Viewer'],
    });
    const list = (await (await call(viewer, '/api/v1/agents?limit=1')).json()) as { items: { id: string }[] };
    const res = await fetch(`${server.url}/api/v1/agents/${list.items[0]!.id}/block`, {
      method: 'POST',
      headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x' }),
    });
    expect(res.status).toBe(403);
  });
});
