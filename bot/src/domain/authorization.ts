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

/** Each action as people read it (the audit trail, the incident's response), not its code name. */
export const ACTION_LABEL: Record<ActionName, string> = {
  blockAgent: 'Block agent',
  unblockAgent: 'Unblock agent',
  revokeUser: 'Revoke sessions',
  resolveIncident: 'Resolve incident',
  assignIncident: 'Assign incident',
  notifyMaker: 'Notify maker',
  approveSubmission: 'Approve submission',
  rejectSubmission: 'Reject submission',
};

/**
 * The actions a person means by `term`, matched from the start of a word of their readable name, in any case:
 * "block" and "Block agent" find blockAgent but not unblockAgent; "agent" finds both; "sessions" finds revokeUser.
 */
export function actionsMatching(term: string): ActionName[] {
  const wanted = term.trim().toLowerCase().replace(/\s+/g, ' ');
  if (!wanted) return [];
  return (Object.keys(ACTION_LABEL) as ActionName[]).filter((a) =>
    ` ${ACTION_LABEL[a].toLowerCase()}`.includes(` ${wanted}`),
  );
}

/** An audit record's action as people read it; an action this build does not know is spelled out from its code. */
export function actionLabel(action: string): string {
  if (Object.hasOwn(ACTION_LABEL, action)) return ACTION_LABEL[action as ActionName];
  const spaced = action.replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1).toLowerCase();
}

export function mayPerform(principal: Pick<Principal, 'roles'>, action: ActionName): boolean {
  const allowed: readonly Role[] = ACTION_ROLES[action];
  return principal.roles.some((r) => allowed.includes(r));
}

/**
 * Actions over many targets whose rule is stricter than the single action's: blocking many agents at once is kept
 * to IT admins (a responder blocks one agent at a time). Notifying many makers is checked per agent as notifyMaker.
 */
export const BULK_ACTION_ROLES = {
  bulkBlockAgents: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type BulkActionName = keyof typeof BULK_ACTION_ROLES;

/** Everything the server checks a role for: one action, or the same over many targets. */
export type Permission = ActionName | BulkActionName;

export function mayDo(principal: Pick<Principal, 'roles'>, permission: Permission): boolean {
  const allowed: readonly Role[] =
    permission in BULK_ACTION_ROLES
      ? BULK_ACTION_ROLES[permission as BulkActionName]
      : ACTION_ROLES[permission as ActionName];
  return principal.roles.some((r) => allowed.includes(r));
}

/** The actions a principal may take, for showing only the buttons they can use. */
export function allowedActions(principal: Pick<Principal, 'roles'>): ActionName[] {
  return (Object.keys(ACTION_ROLES) as ActionName[]).filter((a) => mayPerform(principal, a));
}
