// The Action.Execute verbs the cards send and the bot answers, with the input ids their forms use.
// Cards and card actions both import these, so a renamed verb cannot leave a dead button behind.

export const CARD_VERBS = {
  refreshIncident: 'refreshIncident',
  revokeUser: 'revokeUser',
  blockAgent: 'blockAgent',
  unblockAgent: 'unblockAgent',
  resolveIncident: 'resolveIncident',
  assignToMe: 'assignIncidentToMe',
  refreshApproval: 'refreshApproval',
  approveSubmission: 'approveSubmission',
  rejectSubmission: 'rejectSubmission',
} as const;

export type CardVerb = (typeof CARD_VERBS)[keyof typeof CARD_VERBS];
export const ALL_CARD_VERBS: readonly CardVerb[] = Object.values(CARD_VERBS);

/** Ids of the inputs whose values Teams merges into the action's data. */
export const CARD_INPUTS = {
  classification: 'classification',
  resolutionComment: 'resolutionComment',
  rejectReason: 'rejectReason',
  /** An approval card's optional reason; stored with the approval like the tab's. */
  approveReason: 'approveReason',
} as const;

/**
 * The part of an idempotency key the card carries: the same button on the same card state gives the
 * same key, so a double click is done once. The bot prefixes the clicker's principal id.
 */
export function actionKey(verb: CardVerb, targetId: string, revision: string): string {
  return `${verb}:${targetId}:${revision}`;
}

/**
 * The card's state as far as keys go: it moves with every action taken, even when the reader passes only
 * the latest history entries (the newest entry's time changes when the count does not).
 */
export function cardRevision(history: readonly { at: string }[]): string {
  const last = history.at(-1);
  return last ? `${history.length}.${Date.parse(last.at) || 0}` : '0';
}
