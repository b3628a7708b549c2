import type { ActionData, ActionExecute, CardRefresh } from './adaptive-card-types.js';
import type { CardAudience } from './card-views.js';
import type { CardVerb } from './card-verbs.js';

/** Teams gives per-user views to at most 60 listed users. */
export const MAX_REFRESH_USER_IDS = 60;

export interface RefreshPlan {
  refresh: CardRefresh;
  /** True when the audience is too large for automatic refresh: the card must offer a refresh button. */
  manualRefresh: boolean;
}

/**
 * The one place that decides how a card refreshes per user: up to 60 members are listed and refreshed
 * automatically; above that Teams refreshes nobody automatically, so the list is dropped (a partial list
 * would favour whoever happened to be first) and the card carries a refresh button instead.
 */
export function planRefresh(verb: CardVerb, data: ActionData, audience: CardAudience): RefreshPlan {
  const action = { type: 'Action.Execute' as const, verb, data, title: 'Refresh' };
  const userIds = [...new Set(audience.userIds)];
  if (userIds.length > MAX_REFRESH_USER_IDS) return { refresh: { action }, manualRefresh: true };
  return { refresh: { action, userIds }, manualRefresh: false };
}

/** A button that asks for the clicker's own view of the card. */
export function refreshButton(verb: CardVerb, data: ActionData, title: string): ActionExecute {
  return { type: 'Action.Execute', title, verb, data, associatedInputs: 'none' };
}
