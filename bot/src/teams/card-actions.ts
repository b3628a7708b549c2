// Action.Execute verbs -> ResponseActions -> the clicker's new card. Teams-free: the bot unpacks the
// invoke, this decides, and invoke-answer.ts packs the answer.
import { z } from 'zod';
import type { Logger } from '../domain/logger.js';
import { ConflictError, DomainError, ForbiddenError, NotFoundError } from '../domain/errors.js';
import type { Classification, Principal } from '../domain/types.js';
import { CLASSIFICATIONS } from '../domain/types.js';
import type { ActionContext, ResponseActions } from '../response/response-actions.js';
import type { DelegatedAccess } from '../tenant/tenant-ports.js';
import { approvalCard } from './cards/approval-card.js';
import { incidentCard } from './cards/incident-card.js';
import { note } from './cards/card-format.js';
import type { CardVerb } from './cards/card-verbs.js';
import { CARD_INPUTS, CARD_VERBS } from './cards/card-verbs.js';
import { ANONYMOUS_VIEWER, viewerOf } from './cards/card-views.js';
import type { InvokeAnswer } from './invoke-answer.js';
import { cardAnswer, errorAnswer, messageAnswer } from './invoke-answer.js';
import type { IncidentReader } from './ports.js';

export interface CardActionDeps {
  incidents: IncidentReader;
  actions: ResponseActions;
  log: Logger;
}

export interface CardActionRequest {
  verb: string;
  /** `value.action.data` of the invoke: the button's data with the card's inputs merged in. */
  data: Record<string, unknown>;
  /** Null when the clicker is not a known user with a role. */
  principal: Principal | null;
  conversationId: string | null;
  /** The clicker's delegated Graph access from Teams SSO (bot/src/teams/sso/), for actions made as them. */
  onBehalfOf?: DelegatedAccess | null;
}

const id = z.string().trim().min(1).max(200);
// The button's part of the idempotency key. Cards carry it as `clickKey`: the Agents Playground (0.2.28) drops
// the click of an Action.Execute whose data has a property named `key` (React's reserved prop name), so no
// request is ever sent. `key` is still read for cards posted before the rename.
const key = z.string().max(300).optional();
const keyed = { clickKey: key, key };
const incidentData = z.object({ incidentId: id, ...keyed });
const submissionData = z.object({ submissionId: id, ...keyed });

const SCHEMAS = {
  [CARD_VERBS.refreshIncident]: incidentData,
  [CARD_VERBS.revokeUser]: incidentData.extend({ userId: id }),
  [CARD_VERBS.blockAgent]: incidentData.extend({ agentId: id }),
  [CARD_VERBS.unblockAgent]: incidentData.extend({ agentId: id }),
  [CARD_VERBS.resolveIncident]: incidentData.extend({
    [CARD_INPUTS.classification]: z.enum(CLASSIFICATIONS as [Classification, ...Classification[]], {
      errorMap: () => ({ message: 'Choose a classification.' }),
    }),
    [CARD_INPUTS.resolutionComment]: z.string().max(1000).optional().default(''),
  }),
  [CARD_VERBS.assignToMe]: incidentData,
  [CARD_VERBS.refreshApproval]: submissionData,
  [CARD_VERBS.approveSubmission]: submissionData.extend({
    [CARD_INPUTS.approveReason]: z.string().trim().max(1000).optional().default(''),
  }),
  [CARD_VERBS.rejectSubmission]: submissionData.extend({
    [CARD_INPUTS.rejectReason]: z
      .string({ required_error: 'Say why the version is rejected.' })
      .trim()
      .min(1, 'Say why the version is rejected.')
      .max(1000),
  }),
} satisfies Record<CardVerb, z.ZodTypeAny>;

type DataOf<V extends CardVerb> = z.infer<(typeof SCHEMAS)[V]>;

/** What the clicker is refused, in their words: "You are not allowed to block agents." */
const FORBIDDEN_PHRASE: Record<CardVerb, string> = {
  refreshIncident: 'see this incident',
  revokeUser: "revoke users' sessions",
  blockAgent: 'block agents',
  unblockAgent: 'unblock agents',
  resolveIncident: 'resolve incidents',
  assignIncidentToMe: 'take incidents',
  refreshApproval: 'see this submission',
  approveSubmission: 'approve agent versions',
  rejectSubmission: 'reject agent versions',
};

export const isCardVerb = (verb: string): verb is CardVerb => Object.hasOwn(SCHEMAS, verb);

/** Runs one card action for the clicker and answers with their new card (or why not). */
export async function handleCardAction(deps: CardActionDeps, request: CardActionRequest): Promise<InvokeAnswer> {
  const { verb } = request;
  if (!isCardVerb(verb)) return errorAnswer(400, 'BadRequest', `Agent Warden does not know the action '${verb}'.`);
  const parsed = SCHEMAS[verb].safeParse(request.data);
  if (!parsed.success) {
    return errorAnswer(400, 'BadRequest', parsed.error.issues.map((i) => i.message).join(' '));
  }
  try {
    // The schema for `verb` parsed the data, so it is that verb's data.
    return await (HANDLERS[verb] as VerbHandler<CardVerb>)(deps, request, parsed.data);
  } catch (err) {
    return failure(deps, verb, err);
  }
}

type VerbHandler<V extends CardVerb> = (
  deps: CardActionDeps,
  request: CardActionRequest,
  data: DataOf<V>,
) => Promise<InvokeAnswer>;

const HANDLERS: { [V in CardVerb]: VerbHandler<V> } = {
  refreshIncident: (deps, request, d) => incidentAnswer(deps, request, d.incidentId),
  refreshApproval: (deps, request, d) => approvalAnswer(deps, request, d.submissionId),
  revokeUser: async (deps, request, d) => {
    await deps.actions.revokeUser(actionContext(request, 'revokeUser', d.clickKey ?? d.key), d.userId, d.incidentId);
    return incidentAnswer(deps, request, d.incidentId);
  },
  blockAgent: async (deps, request, d) => {
    const ctx = actionContext(request, 'blockAgent', d.clickKey ?? d.key);
    await deps.actions.blockAgent(ctx, d.agentId, `Blocked from incident ${d.incidentId}`);
    return incidentAnswer(deps, request, d.incidentId);
  },
  unblockAgent: async (deps, request, d) => {
    const ctx = actionContext(request, 'unblockAgent', d.clickKey ?? d.key);
    await deps.actions.unblockAgent(ctx, d.agentId, `Unblocked from incident ${d.incidentId}`);
    return incidentAnswer(deps, request, d.incidentId);
  },
  resolveIncident: async (deps, request, d) => {
    const ctx = actionContext(request, 'resolveIncident', d.clickKey ?? d.key);
    await deps.actions.resolveIncident(ctx, d.incidentId, d.classification, d.resolutionComment);
    return incidentAnswer(deps, request, d.incidentId);
  },
  assignIncidentToMe: async (deps, request, d) => {
    const ctx = actionContext(request, 'assignIncidentToMe', d.clickKey ?? d.key);
    await deps.actions.assignIncident(ctx, d.incidentId, ctx.principal.upn);
    return incidentAnswer(deps, request, d.incidentId);
  },
  approveSubmission: async (deps, request, d) => {
    const ctx = actionContext(request, 'approveSubmission', d.clickKey ?? d.key);
    return decision(deps, request, d.submissionId, () =>
      deps.actions.approveSubmission(ctx, d.submissionId, d.approveReason),
    );
  },
  rejectSubmission: async (deps, request, d) => {
    const ctx = actionContext(request, 'rejectSubmission', d.clickKey ?? d.key);
    return decision(deps, request, d.submissionId, () =>
      deps.actions.rejectSubmission(ctx, d.submissionId, d.rejectReason),
    );
  },
};

/** The service's context for the clicker. Throws ForbiddenError for someone Agent Warden does not know. */
function actionContext(request: CardActionRequest, verb: CardVerb, cardKey: string | undefined): ActionContext {
  const { principal } = request;
  if (!principal) throw new UnknownClickerError(verb);
  return {
    principal,
    // Prefixed with the clicker so one person's click can never replay another's result.
    idempotencyKey: cardKey ? `card:${principal.id}:${cardKey}` : null,
    via: 'card',
    onBehalfOf: request.onBehalfOf ?? null,
  };
}

class UnknownClickerError extends ForbiddenError {
  constructor(verb: CardVerb) {
    super(`Agent Warden does not know your account, so you cannot ${FORBIDDEN_PHRASE[verb]}.`);
  }
}

async function incidentAnswer(
  deps: CardActionDeps,
  request: CardActionRequest,
  incidentId: string,
): Promise<InvokeAnswer> {
  const view = await deps.incidents.incidentCardView(incidentId, request.conversationId);
  if (!view) throw new NotFoundError('incident', incidentId);
  return cardAnswer(incidentCard(view, request.principal ? viewerOf(request.principal) : ANONYMOUS_VIEWER));
}

/**
 * An approval or a rejection, answered with the approval card as it now is. A decision the request's state
 * refuses (it expired, or was decided already) answers with that card too, why on top and no buttons left
 * to click in vain, rather than a card that claims success.
 */
async function decision(
  deps: CardActionDeps,
  request: CardActionRequest,
  submissionId: string,
  decide: () => Promise<unknown>,
): Promise<InvokeAnswer> {
  try {
    await decide();
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    const view = await deps.incidents.approvalCardView(submissionId, request.conversationId);
    if (!view) throw err;
    const card = approvalCard(view, request.principal ? viewerOf(request.principal) : ANONYMOUS_VIEWER);
    return cardAnswer({ ...card, body: [note(err.message, 'attention'), ...card.body] });
  }
  return approvalAnswer(deps, request, submissionId);
}

async function approvalAnswer(
  deps: CardActionDeps,
  request: CardActionRequest,
  submissionId: string,
): Promise<InvokeAnswer> {
  const view = await deps.incidents.approvalCardView(submissionId, request.conversationId);
  if (!view) throw new NotFoundError('submission', submissionId);
  return cardAnswer(approvalCard(view, request.principal ? viewerOf(request.principal) : ANONYMOUS_VIEWER));
}

function failure(deps: CardActionDeps, verb: CardVerb, err: unknown): InvokeAnswer {
  if (err instanceof UnknownClickerError) return messageAnswer(err.message);
  if (err instanceof ForbiddenError) return messageAnswer(`You are not allowed to ${FORBIDDEN_PHRASE[verb]}.`);
  if (err instanceof NotFoundError) return errorAnswer(404, 'NotFound', err.message);
  if (err instanceof DomainError && err.status === 400) return errorAnswer(400, 'BadRequest', err.message);
  // A conflict (approving a rejected version...) is news for the clicker, not a failure of the bot.
  if (err instanceof DomainError && err.status === 409) return messageAnswer(err.message);
  deps.log.error({ verb, error: err instanceof Error ? err.message : String(err) }, 'card action failed');
  return errorAnswer(
    500,
    'InternalError',
    'Agent Warden could not complete this action. Try again: a repeated click is only done once.',
  );
}
