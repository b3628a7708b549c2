import { ACTION_ROLES, mayDo, type ActionName, type Permission } from '../../bot/src/domain/authorization.js';
import type { Role } from '../api/types.js';

export type { Permission };

/**
 * What a person may do from the tab: the server's own rule (domain/authorization.ts, bulk actions included), so
 * buttons show exactly when the action would be allowed; the server still checks.
 */
export function can(roles: readonly Role[], permission: Permission): boolean {
  return mayDo({ roles: [...roles] }, permission);
}

/** The roles that may do at least one of the actions, in the order admin, responder, viewer. */
export function rolesAllowedTo(actions: readonly ActionName[]): Role[] {
  const allowed = new Set<Role>(actions.flatMap((a) => ACTION_ROLES[a]));
  return (['admin', 'responder', 'viewer'] as const).filter((r) => allowed.has(r));
}
