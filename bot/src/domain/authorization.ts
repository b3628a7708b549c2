import type { Principal, Role } from './types.js';

/** Who may do what (docs/architecture.md, "Identity and roles"). The server checks this on every action. */
export const ACTION_ROLES = {
  blockAgent: ['responder', 'admin'],
  unblockAgent: ['admin'],
  revokeUser: ['responder'],
  resolveIncident: ['responder'],
  assignIncident: ['responder'],
  notifyMaker: ['responder', 'admin'],
  approveSubmission: ['admin'],
  rejectSubmission: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type ActionName = keyof typeof ACTION_ROLES;

export function mayPerform(principal: Pick<Principal, 'roles'>, action: ActionName): boolean {
  const allowed: readonly Role[] = ACTION_ROLES[action];
  return principal.roles.some((r) => allowed.includes(r));
}

/** The actions a principal may take, for showing only the buttons they can use. */
export function allowedActions(principal: Pick<Principal, 'roles'>): ActionName[] {
  return (Object.keys(ACTION_ROLES) as ActionName[]).filter((a) => mayPerform(principal, a));
}
