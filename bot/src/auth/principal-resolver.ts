import type { JWTPayload } from 'jose';
import type { Principal, Role } from '../domain/types.js';
import { ROLES } from '../domain/types.js';
import type { UserRepository } from '../store/user-repository.js';

/** App roles as declared in the Entra app registration ("Warden.Responder") or plain ("responder"). */
export function rolesFromClaims(payload: JWTPayload): Role[] {
  const claim = Array.isArray(payload.roles) ? payload.roles : [];
  return ROLES.filter((role) =>
    claim.some((r) => typeof r === 'string' && (r.toLowerCase() === role || r.toLowerCase() === `warden.${role}`)),
  );
}

export function principalFromClaims(payload: JWTPayload): Principal {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const upn = str(payload.preferred_username) || str(payload.upn) || str(payload.email) || str(payload.sub);
  return {
    id: str(payload.oid) || str(payload.sub),
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
