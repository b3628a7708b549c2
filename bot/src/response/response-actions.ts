import type { ActionResult } from '../domain/views.js';
import type { AgentDefinition, Classification, Principal, Submission } from '../domain/types.js';
import type { DelegatedAccess } from '../tenant/tenant-ports.js';

/** Where an action came from, recorded in the audit trail. */
export type ActionVia = 'card' | 'tab' | 'api' | 'bot';

export interface ActionContext {
  principal: Principal;
  /** Same key, same action: the second call returns the first one's result and changes nothing. */
  idempotencyKey: string | null;
  /** A digest of the request the key came with (method, path, body); the key is bound to it. Null for cards. */
  requestDigest?: string | null;
  via: ActionVia;
  /** The person's delegated Graph access (Teams SSO), for the changes Graph allows only as them. */
  onBehalfOf?: DelegatedAccess | null;
}

/**
 * The response actions: the only way anything changes. Each checks the role, happens once per
 * idempotency key (and is a no-op when the target is already in the asked state), writes an
 * audit record and an outbox row in the same transaction.
 * Errors: ForbiddenError (role), NotFoundError, ConflictError (e.g. approving a rejected submission).
 */
export interface ResponseActions {
  blockAgent(ctx: ActionContext, agentId: string, reason: string): Promise<ActionResult>;
  unblockAgent(ctx: ActionContext, agentId: string, reason: string): Promise<ActionResult>;
  /** Revoke sign-in sessions and confirm the user compromised (forces a password reset). */
  revokeUser(ctx: ActionContext, userId: string, incidentId: string | null): Promise<ActionResult>;
  resolveIncident(
    ctx: ActionContext,
    incidentId: string,
    classification: Classification,
    comment: string,
  ): Promise<ActionResult>;
  assignIncident(ctx: ActionContext, incidentId: string, assigneeUpn: string): Promise<ActionResult>;
  notifyMaker(ctx: ActionContext, agentId: string, message: string): Promise<ActionResult>;
  submitVersion(
    ctx: ActionContext,
    agentId: string,
    input: { version: string; note: string; definition: AgentDefinition },
  ): Promise<Submission>;
  /** `reason` (optional; the tab asks for one) is kept on the submission and in the audit record. */
  approveSubmission(ctx: ActionContext, submissionId: string, reason?: string): Promise<ActionResult>;
  rejectSubmission(ctx: ActionContext, submissionId: string, reason: string): Promise<ActionResult>;
}
