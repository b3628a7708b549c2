import { ACTION_ROLES, mayPerform, type ActionName } from '../../bot/src/domain/authorization.js';
import type { Role } from '../api/types.js';

/**
 * What a person may do from the tab: the server's own rule (domain/authorization.ts), so buttons show
 * exactly when the action would be allowed; the server still checks. `bulkBlockAgents` (blocking from
 * hunting results) is kept to IT admins by the tab.
 */
export type Permission = ActionName | 'bulkBlockAgents';

export function can(roles: readonly Role[], permission: Permission): boolean {
  if (permission === 'bulkBlockAgents') return roles.includes('admin');
  return mayPerform({ roles: [...roles] }, permission);
}

/** The roles that may do at least one of the actions, in the order admin, responder, viewer. */
export function rolesAllowedTo(actions: readonly ActionName[]): Role[] {
  const allowed = new Set<Role>(actions.flatMap((a) => ACTION_ROLES[a]));
  return (['admin', 'responder', 'viewer'] as const).filter((r) => allowed.has(r));
}
