// Who is behind an activity, and which conversation it belongs to.
import { TeamsInfo } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import type { Principal } from '../domain/types.js';
import type { PrincipalResolver } from './ports.js';

/**
 * The principal of the person who clicked or typed: by their Entra object id, which Teams puts on every
 * activity from a user. Without one (rare clients), ask Teams for the member's UPN. Null when unknown.
 */
export async function resolvePrincipal(context: TurnContext, principals: PrincipalResolver): Promise<Principal | null> {
  const from = context.activity.from;
  if (!from) return null;
  if (from.aadObjectId) return principals.byAadObjectId(from.aadObjectId);
  let upn: string | undefined;
  try {
    upn = (await TeamsInfo.getMember(context, from.id)).userPrincipalName;
  } catch {
    // Not in Teams, or the roster is unavailable: the person stays unknown.
    return null;
  }
  return upn ? principals.byUpn(upn) : null;
}

/** A channel thread's conversation id carries `;messageid=<root>`; state is kept per channel. */
export function conversationIdOf(activity: Pick<Activity, 'conversation'>): string {
  return (activity.conversation?.id ?? '').split(';')[0] ?? '';
}
