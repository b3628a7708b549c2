import fs from 'node:fs/promises';
import path from 'node:path';
import type { JWK, JWTVerifyGetKey } from 'jose';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, importJWK } from 'jose';

/**
 * A signing key the embedded server makes on first start and keeps under DATA_DIR. It stands in for
 * Entra's key set locally: the simulator, `npm run dev-token` and tests sign webhook tokens with it.
 */
export interface LocalKeySet {
  issuer: string;
  keys: JWTVerifyGetKey;
  sign(claims: { audience: string; appId: string; subject?: string; expiresInSeconds?: number }): Promise<string>;
}

export const LOCAL_ISSUER = 'https://agent-warden.local/embedded-issuer';
const KID = 'agent-warden-local-1';

export async function loadLocalKeySet(dataDir: string | null): Promise<LocalKeySet> {
  const file = dataDir ? path.join(dataDir, 'local-signing-key.json') : null;
  let privateJwk: JWK | null = null;
  if (file)
    privateJwk = await fs.readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as JWK,
      () => null,
    );
  if (!privateJwk) {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256' };
    if (file) {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  return localKeySetFrom(privateJwk);
}

export async function localKeySetFrom(privateJwk: JWK): Promise<LocalKeySet> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'RS256');
  return {
    issuer: LOCAL_ISSUER,
    keys: createLocalJWKSet({ keys: [publicJwk] }),
    async sign({ audience, appId, subject, expiresInSeconds = 3600 }) {
      return new SignJWT({ azp: appId, appid: appId, ver: '2.0' })
        .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid ?? KID, typ: 'JWT' })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(audience)
        .setSubject(subject ?? appId)
        .setIssuedAt()
        .setExpirationTime(`${expiresInSeconds}s`)
        .sign(signingKey);
    },
  };
}
