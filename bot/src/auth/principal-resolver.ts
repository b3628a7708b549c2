import type { JWTPayload } from 'jose';
import type { Principal, Role } from '../domain/types.js';
import { ROLES } from '../domain/types.js';
import { TokenError } from './token-verifier.js';
import type { UserRepository } from '../store/user-repository.js';

/** App roles as declared in the Entra app registration ("Warden.Responder") or plain ("responder"). */
export function rolesFromClaims(payload: JWTPayload): Role[] {
  const claim = Array.isArray(payload.roles) ? payload.roles : [];
  return ROLES.filter((role) =>
    claim.some((r) => typeof r === 'string' && (r.toLowerCase() === role || r.toLowerCase() === `warden.${role}`)),
  );
}

/**
 * The person an API token speaks for. It must name them by `oid` (the stable Entra object id: every
 * audit record and idempotency key hangs on it) and carry `exp` and `iat`; otherwise TokenError (401).
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const oid = str(payload.oid);
  if (!oid) throw new TokenError('token has no oid claim: API tokens must name a user or app object');
  if (typeof payload.exp !== 'number') throw new TokenError('token has no exp claim');
  if (typeof payload.iat !== 'number') throw new TokenError('token has no iat claim');
  // Without a sign-in name the object id stands in, so an audit record never has an empty actor.
  const upn = str(payload.preferred_username) || str(payload.upn) || str(payload.email) || oid;
  return {
    id: oid,
    upn: upn.toLowerCase(),
    displayName: str(payload.name) || upn,
    roles: rolesFromClaims(payload),
  };
}

/** AUTH=dev: a demo identity picked by UPN (or object id) from the embedded directory. */
export async function devPrincipal(users: UserRepository, idOrUpn: string): Promise<Principal | null> {
  const user = await users.get(idOrUpn.trim());
  if (!user) return null;
  return { id: user.id, upn: user.upn, displayName: user.displayName, roles: user.roles };
}
