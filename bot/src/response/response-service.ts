import { createHash, randomUUID } from 'node:crypto';
import type { ActionResult } from '../domain/views.js';
import type { ActionName } from '../domain/authorization.js';
import { mayPerform } from '../domain/authorization.js';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UpstreamError } from '../domain/errors.js';
import type { AgentDefinition, AuditRecord, Classification, Incident, Submission } from '../domain/types.js';
import type { Sql } from '../store/db.js';
import { claimIdempotencyKey, recordIdempotentResult } from '../store/idempotency.js';
import type { OutboxTopic } from '../store/outbox.js';
import { enqueueOutbox } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import type { TenantPorts } from '../tenant/tenant-ports.js';
import type { RiskRefresher } from '../inventory/risk-refresher.js';
import type { ActionContext, ResponseActions } from './response-actions.js';

interface Effect {
  outcome: 'done' | 'noop';
  message: string;
  targetName: string;
  detail?: string;
  /** Outbox messages announcing the change (written only when something was done). */
  announce?: { topic: OutboxTopic; subjectId: string; payload?: Record<string, unknown> }[];
  /** Agents whose risk must be recomputed in the same transaction. */
  agentsToRescore?: string[];
}

interface Target {
  type: AuditRecord['targetType'];
  id: string;
}

/**
 * The response actions over the store and the tenant ports. One path for every action:
 * authorize -> claim the idempotency key -> lock the target and apply (or find it already so)
 * -> audit + outbox + stored result, all in one transaction.
 */
export const DEFAULT_APPROVAL_EXPIRY_DAYS = 7;
const DAY_MS = 86_400_000;

export class ResponseService implements ResponseActions {
  constructor(
    private readonly store: Store,
    private readonly tenant: TenantPorts,
    private readonly risk: RiskRefresher,
    private readonly clock: () => Date,
    private readonly options: { approvalExpiryDays: number } = { approvalExpiryDays: DEFAULT_APPROVAL_EXPIRY_DAYS },
  ) {}

  /** When a pending request stops being approvable: `approvalExpiryDays` after it was submitted. */
  approvalExpiresAt(submission: Pick<Submission, 'submittedAt'>): Date {
    return new Date(Date.parse(submission.submittedAt) + this.options.approvalExpiryDays * DAY_MS);
  }

  private isExpired(submission: Submission, at: string): boolean {
    return submission.status === 'pending' && Date.parse(at) >= this.approvalExpiresAt(submission).getTime();
  }

  blockAgent(ctx: ActionContext, agentId: string, reason: string): Promise<ActionResult> {
    return this.perform(ctx, 'blockAgent', { type: 'agent', id: agentId }, async (tx, at) => {
      const agent = await this.store.agents.getForUpdate(tx, agentId);
      if (!agent) throw new NotFoundError('agent', agentId);
      if (agent.lifecycle === 'blocked') {
        return noop(
          agent.name,
          `${agent.name} is already blocked${agent.blockedBy ? ` (by ${agent.blockedBy})` : ''}.`,
        );
      }
      await this.tenant.agents.block(tx, agent, { by: ctx.principal.upn, at, reason });
      return {
        outcome: 'done',
        targetName: agent.name,
        message: `${agent.name} blocked by ${ctx.principal.displayName}.`,
        detail: reason,
        announce: [
          { topic: 'agent.changed', subjectId: agentId },
          ...(await this.openIncidentsOf(tx, { agentId })).map(incidentChanged),
        ],
        agentsToRescore: [agentId],
      };
    });
  }

  unblockAgent(ctx: ActionContext, agentId: string, reason: string): Promise<ActionResult> {
    return this.perform(ctx, 'unblockAgent', { type: 'agent', id: agentId }, async (tx, at) => {
      const agent = await this.store.agents.getForUpdate(tx, agentId);
      if (!agent) throw new NotFoundError('agent', agentId);
      if (agent.lifecycle === 'active') return noop(agent.name, `${agent.name} is not blocked.`);
      await this.tenant.agents.unblock(tx, agent, { by: ctx.principal.upn, at, reason });
      return {
        outcome: 'done',
        targetName: agent.name,
        message: `${agent.name} unblocked by ${ctx.principal.displayName}.`,
        detail: reason,
        announce: [
          { topic: 'agent.changed', subjectId: agentId },
          ...(await this.openIncidentsOf(tx, { agentId })).map(incidentChanged),
        ],
        agentsToRescore: [agentId],
      };
    });
  }

  revokeUser(ctx: ActionContext, userId: string, incidentId: string | null): Promise<ActionResult> {
    return this.perform(ctx, 'revokeUser', { type: 'user', id: userId }, async (tx, at) => {
      const found = await this.store.users.get(userId, tx);
      const user = found && (await this.store.users.getForUpdate(tx, found.id));
      if (!user) throw new NotFoundError('user', userId);
      if (user.riskState === 'confirmedCompromised' && user.sessionsRevokedAt) {
        return noop(
          user.displayName,
          `${user.displayName}'s sessions were already revoked at ${user.sessionsRevokedAt}.`,
        );
      }
      const revoked = await this.tenant.identity.revokeSignInSessions(tx, user, at);
      await this.tenant.identity.confirmCompromised(tx, revoked, at);
      const incidents = await this.openIncidentsOf(tx, { userId: user.id });
      if (incidentId && !incidents.includes(incidentId)) incidents.push(incidentId);
      return {
        outcome: 'done',
        targetName: user.displayName,
        message: `${user.displayName}'s sessions revoked and password reset required by ${ctx.principal.displayName}.`,
        detail: incidentId ? `from incident ${incidentId}` : '',
        announce: [{ topic: 'user.changed', subjectId: user.id }, ...incidents.map(incidentChanged)],
      };
    });
  }

  resolveIncident(
    ctx: ActionContext,
    incidentId: string,
    classification: Classification,
    comment: string,
  ): Promise<ActionResult> {
    return this.perform(ctx, 'resolveIncident', { type: 'incident', id: incidentId }, async (tx, at) => {
      const incident = await this.store.incidents.getIncidentForUpdate(tx, incidentId);
      if (!incident) throw new NotFoundError('incident', incidentId);
      if (incident.status === 'resolved') return noop(incident.title, `The incident is already resolved.`);
      const alerts = await this.store.incidents.alertsOfIncident(incidentId, tx);
      await this.store.incidents.saveAlerts(
        alerts.map((a) => ({ ...a, status: 'resolved', classification, resolvedAt: at, lastUpdatedAt: at })),
        tx,
      );
      await this.store.incidents.saveIncidents(
        [
          {
            ...incident,
            status: 'resolved',
            classification,
            resolutionComment: comment,
            resolvedAt: at,
            resolvedBy: ctx.principal.upn,
            lastUpdatedAt: at,
          },
        ],
        tx,
      );
      return {
        outcome: 'done',
        targetName: incident.title,
        message: `Incident resolved as ${classification} by ${ctx.principal.displayName}.`,
        detail: comment,
        announce: [incidentChanged(incidentId)],
        agentsToRescore: incident.entities.agents.map((a) => a.agentId),
      };
    });
  }

  assignIncident(ctx: ActionContext, incidentId: string, assigneeUpn: string): Promise<ActionResult> {
    return this.perform(ctx, 'assignIncident', { type: 'incident', id: incidentId }, async (tx, at) => {
      const incident = await this.store.incidents.getIncidentForUpdate(tx, incidentId);
      if (!incident) throw new NotFoundError('incident', incidentId);
      const assignee = await this.store.users.get(assigneeUpn, tx);
      if (!assignee) throw new InvalidInputError(`assignee '${assigneeUpn}' is not a user of this tenant`, 'assignee');
      if (incident.assignedTo === assignee.upn)
        return noop(incident.title, `Already assigned to ${assignee.displayName}.`);
      const updated: Incident = {
        ...incident,
        assignedTo: assignee.upn,
        status: incident.status === 'active' ? 'inProgress' : incident.status,
        lastUpdatedAt: at,
      };
      await this.store.incidents.saveIncidents([updated], tx);
      return {
        outcome: 'done',
        targetName: incident.title,
        message: `Assigned to ${assignee.displayName} by ${ctx.principal.displayName}.`,
        announce: [incidentChanged(incidentId)],
      };
    });
  }

  notifyMaker(ctx: ActionContext, agentId: string, message: string): Promise<ActionResult> {
    return this.perform(ctx, 'notifyMaker', { type: 'agent', id: agentId }, async (tx) => {
      const agent = await this.store.agents.get(agentId, tx);
      if (!agent) throw new NotFoundError('agent', agentId);
      const makers = [...new Set([agent.createdBy, ...agent.owners])];
      return {
        outcome: 'done',
        targetName: agent.name,
        message: `Notified ${makers.join(', ')} about ${agent.name}.`,
        detail: message,
        announce: makers.map((upn) => ({
          topic: 'maker.notify' as const,
          subjectId: upn,
          payload: { agentId, agentName: agent.name, message, from: ctx.principal.displayName },
        })),
      };
    });
  }

  async submitVersion(
    ctx: ActionContext,
    agentId: string,
    input: { version: string; note: string; definition: AgentDefinition },
  ): Promise<Submission> {
    const at = this.clock().toISOString();
    return this.store.db.transaction(async (tx) => {
      if (ctx.idempotencyKey) {
        const claim = await claimIdempotencyKey<Submission>(
          tx,
          ctx.idempotencyKey,
          'submitVersion',
          requestBinding(ctx, { type: 'agent', id: agentId }),
        );
        if (!claim.fresh) return claim.result;
      }
      const agent = await this.store.agents.getForUpdate(tx, agentId);
      if (!agent) throw new NotFoundError('agent', agentId);
      const isMaker = [agent.createdBy, ...agent.owners].some(
        (u) => u.toLowerCase() === ctx.principal.upn.toLowerCase(),
      );
      if (!isMaker && !ctx.principal.roles.includes('admin')) {
        throw new ForbiddenError(`Only the makers of ${agent.name} can submit a new version.`);
      }
      const pending = await this.store.submissions.pendingForAgent(agentId, tx);
      if (pending && !this.isExpired(pending, at)) {
        throw new ConflictError(`${agent.name} already has a version awaiting review.`);
      }
      // An expired request never blocks the maker: the new version supersedes it, and it is closed as expired
      // (the maker is the one submitting, so no message is sent about it).
      if (pending) await this.expire(tx, pending, at, false);
      const submission: Submission = {
        id: randomUUID(),
        agentId,
        version: input.version,
        submittedBy: ctx.principal.upn,
        submittedAt: at,
        note: input.note,
        status: 'pending',
        proposed: input.definition,
        reviewedBy: null,
        reviewedAt: null,
        reason: null,
      };
      await this.store.submissions.save([submission], tx);
      await this.store.audit.append(
        audit(ctx, at, 'submitVersion', { type: 'submission', id: submission.id }, agent.name, 'succeeded', input.note),
        tx,
      );
      await enqueueOutbox(tx, 'submission.changed', submission.id);
      if (ctx.idempotencyKey) await recordIdempotentResult(tx, ctx.idempotencyKey, submission);
      return submission;
    });
  }

  approveSubmission(ctx: ActionContext, submissionId: string, reason = ''): Promise<ActionResult> {
    const why = reason.trim();
    return this.decide(ctx, submissionId, () => this.approve(ctx, submissionId, why));
  }

  rejectSubmission(ctx: ActionContext, submissionId: string, reason: string): Promise<ActionResult> {
    if (!reason.trim()) throw new InvalidInputError('a reason is required to reject a submission', 'reason');
    return this.decide(ctx, submissionId, () => this.reject(ctx, submissionId, reason));
  }

  /**
   * Marks pending requests that are past the expiry as expired, the oldest first and at most `limit` of them
   * (bounded work per call), each with an audit record, its approval card updated (`submission.changed`) and
   * its maker told (`maker.notify`), in one transaction. Answers how many it expired. Safe to run from several
   * instances at once: rows another transaction holds are skipped, and each is expired once.
   */
  async expireOverdue(limit = 100): Promise<number> {
    const now = this.clock();
    const at = now.toISOString();
    const cutoff = new Date(now.getTime() - this.options.approvalExpiryDays * DAY_MS).toISOString();
    return this.store.db.transaction(async (tx) => {
      const overdue = await this.store.submissions.overduePendingForUpdate(tx, cutoff, limit);
      for (const submission of overdue) await this.expire(tx, submission, at, true);
      return overdue.length;
    });
  }

  /**
   * Runs an approval or a rejection; when it was refused because the request has just expired (the sweep has
   * not reached it yet), the request is marked expired at once, so its card and its maker hear of it now.
   */
  private async decide(
    ctx: ActionContext,
    submissionId: string,
    run: () => Promise<ActionResult>,
  ): Promise<ActionResult> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof SubmissionExpiredError && err.stillPending) {
        await this.store.db.transaction(async (tx) => {
          const submission = await this.store.submissions.getForUpdate(tx, submissionId);
          const at = this.clock().toISOString();
          if (submission && this.isExpired(submission, at)) await this.expire(tx, submission, at, true);
        });
      }
      throw err;
    }
  }

  private approve(ctx: ActionContext, submissionId: string, why: string): Promise<ActionResult> {
    return this.perform(ctx, 'approveSubmission', { type: 'submission', id: submissionId }, async (tx, at) => {
      const submission = await this.store.submissions.getForUpdate(tx, submissionId);
      if (!submission) throw new NotFoundError('submission', submissionId);
      if (submission.status === 'approved') return noop(submissionId, 'This version was already approved.');
      if (submission.status === 'rejected')
        throw new ConflictError('This version was rejected; the maker must resubmit.');
      this.refuseExpired(submission, at);
      const agent = await this.store.agents.getForUpdate(tx, submission.agentId);
      if (!agent) throw new NotFoundError('agent', submission.agentId);
      await this.tenant.agents.publishVersion(tx, agent, submission.version, submission.proposed, {
        by: ctx.principal.upn,
        at,
        reason: why ? `approved submission ${submissionId}: ${why}` : `approved submission ${submissionId}`,
        onBehalfOf: ctx.onBehalfOf ?? null,
      });
      await this.store.submissions.save(
        [{ ...submission, status: 'approved', reviewedBy: ctx.principal.upn, reviewedAt: at, reason: why || null }],
        tx,
      );
      const approvedBy = `approved and published by ${ctx.principal.displayName}`;
      return {
        outcome: 'done',
        targetName: agent.name,
        message: `${agent.name} ${submission.version} ${approvedBy}${why ? `: ${why}` : '.'}`,
        detail: why,
        announce: [
          { topic: 'submission.changed', subjectId: submissionId },
          { topic: 'agent.changed', subjectId: agent.id },
          makerNotice(
            submission,
            agent.name,
            `Your version ${submission.version} of ${agent.name} was approved and published${why ? `: ${why}` : '.'}`,
          ),
        ],
        agentsToRescore: [agent.id],
      };
    });
  }

  private reject(ctx: ActionContext, submissionId: string, reason: string): Promise<ActionResult> {
    return this.perform(ctx, 'rejectSubmission', { type: 'submission', id: submissionId }, async (tx, at) => {
      const submission = await this.store.submissions.getForUpdate(tx, submissionId);
      if (!submission) throw new NotFoundError('submission', submissionId);
      if (submission.status === 'rejected') return noop(submissionId, 'This version was already rejected.');
      if (submission.status === 'approved') throw new ConflictError('This version was already approved and published.');
      this.refuseExpired(submission, at);
      const agent = await this.store.agents.get(submission.agentId, tx);
      const name = agent?.name ?? submission.agentId;
      if (agent) {
        await this.tenant.agents.rejectVersion(tx, agent, submission.version, {
          by: ctx.principal.upn,
          at,
          reason: `rejected submission ${submissionId}: ${reason}`,
          onBehalfOf: ctx.onBehalfOf ?? null,
        });
      }
      await this.store.submissions.save(
        [{ ...submission, status: 'rejected', reviewedBy: ctx.principal.upn, reviewedAt: at, reason }],
        tx,
      );
      return {
        outcome: 'done',
        targetName: name,
        message: `${name} ${submission.version} rejected by ${ctx.principal.displayName}: ${reason}`,
        detail: reason,
        announce: [
          { topic: 'submission.changed', subjectId: submissionId },
          makerNotice(submission, name, `Your version ${submission.version} of ${name} was rejected: ${reason}`),
        ],
      };
    });
  }

  /** Refuses to decide a request that expired, whether or not the sweep has marked it yet. */
  private refuseExpired(submission: Submission, at: string): void {
    if (submission.status === 'expired')
      throw new SubmissionExpiredError(submission.reason ?? this.expiredReason(submission), false);
    if (this.isExpired(submission, at)) throw new SubmissionExpiredError(this.expiredReason(submission), true);
  }

  /** Closes a pending request as expired: status, audit, its card; and a message to its maker when `tellMaker`. */
  private async expire(tx: Sql, submission: Submission, at: string, tellMaker: boolean): Promise<void> {
    const reason = this.expiredReason(submission);
    const agent = await this.store.agents.get(submission.agentId, tx);
    const name = agent?.name ?? submission.agentId;
    await this.store.submissions.save(
      [{ ...submission, status: 'expired', reviewedBy: null, reviewedAt: at, reason }],
      tx,
    );
    const record = await this.store.audit.append(
      {
        at,
        actor: SYSTEM_ACTOR.upn,
        actorName: SYSTEM_ACTOR.displayName,
        action: 'expireSubmission',
        targetType: 'submission',
        targetId: submission.id,
        targetName: name,
        outcome: 'succeeded',
        detail: reason,
        via: 'expiry',
      },
      tx,
    );
    const stamp = { action: 'expireSubmission', auditId: record.id, by: SYSTEM_ACTOR.upn };
    await enqueueOutbox(tx, 'submission.changed', submission.id, stamp);
    if (tellMaker) {
      const when = this.approvalExpiresAt(submission).toISOString().slice(0, 16).replace('T', ' ');
      const notice = makerNotice(
        submission,
        name,
        `Your version ${submission.version} of ${name} expired on ${when} UTC without a decision (approval ` +
          `requests expire ${this.options.approvalExpiryDays} days after they are submitted). Submit it again ` +
          'to ask for a review.',
      );
      await enqueueOutbox(tx, notice.topic, notice.subjectId, { ...notice.payload, ...stamp });
    }
  }

  private expiredReason(submission: Submission): string {
    const when = this.approvalExpiresAt(submission).toISOString().slice(0, 16).replace('T', ' ');
    return (
      `This approval request expired on ${when} UTC (requests expire ${this.options.approvalExpiryDays} days after ` +
      'they are submitted); it can no longer be approved. The maker must submit the version again.'
    );
  }

  private async perform(
    ctx: ActionContext,
    action: ActionName,
    target: Target,
    apply: (tx: Sql, at: string) => Promise<Effect>,
  ): Promise<ActionResult> {
    const at = this.clock().toISOString();
    if (!mayPerform(ctx.principal, action)) {
      // Recorded outside any transaction: a refusal is worth keeping even though nothing changed.
      await this.store.audit.append(audit(ctx, at, action, target, target.id, 'denied', 'role not allowed'));
      throw new ForbiddenError(`${ctx.principal.displayName} is not allowed to ${describe(action)}.`);
    }
    try {
      return await this.applyOnce(ctx, action, target, apply, at);
    } catch (err) {
      // The tenant (Graph) refused or could not be reached: the transaction rolled back, but who tried
      // what, and why it failed, is worth keeping, like a refusal.
      if (err instanceof UpstreamError) {
        await this.store.audit.append(audit(ctx, at, action, target, target.id, 'failed', err.message));
      }
      throw err;
    }
  }

  private applyOnce(
    ctx: ActionContext,
    action: ActionName,
    target: Target,
    apply: (tx: Sql, at: string) => Promise<Effect>,
    at: string,
  ): Promise<ActionResult> {
    return this.store.db.transaction(async (tx) => {
      if (ctx.idempotencyKey) {
        const claim = await claimIdempotencyKey<ActionResult>(
          tx,
          ctx.idempotencyKey,
          action,
          requestBinding(ctx, target),
        );
        if (!claim.fresh) return claim.result;
      }
      const effect = await apply(tx, at);
      let auditId: string | null = null;
      if (effect.outcome === 'done') {
        const record = await this.store.audit.append(
          audit(ctx, at, action, target, effect.targetName, 'succeeded', effect.detail ?? ''),
          tx,
        );
        auditId = record.id;
        if (effect.agentsToRescore?.length) await this.risk.refresh(tx, effect.agentsToRescore);
        for (const m of effect.announce ?? []) {
          await enqueueOutbox(tx, m.topic, m.subjectId, { ...m.payload, action, auditId, by: ctx.principal.upn });
        }
      }
      const result: ActionResult = { outcome: effect.outcome, message: effect.message, auditId };
      if (ctx.idempotencyKey) await recordIdempotentResult(tx, ctx.idempotencyKey, result);
      return result;
    });
  }

  private async openIncidentsOf(tx: Sql, of: { agentId?: string; userId?: string }): Promise<string[]> {
    const { items } = await this.store.incidents.listIncidents(
      { ...of, statuses: ['active', 'inProgress'], limit: 50 },
      tx,
    );
    return items.map((i) => i.id);
  }
}

/** Who the audit names for what Agent Warden does by itself (an approval request expiring). */
export const SYSTEM_ACTOR = { upn: 'agent-warden', displayName: 'Agent Warden' } as const;

/** A decision refused because the request expired; `stillPending` when the sweep has not marked it yet. */
export class SubmissionExpiredError extends ConflictError {
  constructor(
    message: string,
    readonly stillPending: boolean,
  ) {
    super(message);
  }
}

/** What an idempotency key is bound to besides its action: the target, and the request it came with. */
const requestBinding = (ctx: ActionContext, target: Target): string =>
  createHash('sha256')
    .update(JSON.stringify([target.type, target.id, ctx.requestDigest ?? null]))
    .digest('base64url');

const noop = (targetName: string, message: string): Effect => ({ outcome: 'noop', targetName, message });

const incidentChanged = (incidentId: string) => ({ topic: 'incident.changed' as const, subjectId: incidentId });

const makerNotice = (submission: Submission, agentName: string, message: string) => ({
  topic: 'maker.notify' as const,
  subjectId: submission.submittedBy,
  payload: { agentId: submission.agentId, agentName, message, submissionId: submission.id },
});

function audit(
  ctx: ActionContext,
  at: string,
  action: string,
  target: Target,
  targetName: string,
  outcome: AuditRecord['outcome'],
  detail: string,
): Omit<AuditRecord, 'id'> {
  return {
    at,
    actor: ctx.principal.upn,
    actorName: ctx.principal.displayName,
    action,
    targetType: target.type,
    targetId: target.id,
    targetName,
    outcome,
    detail,
    via: ctx.via,
  };
}

const DESCRIPTIONS: Record<ActionName, string> = {
  blockAgent: 'block agents',
  unblockAgent: 'unblock agents',
  revokeUser: "revoke users' sessions",
  resolveIncident: 'resolve incidents',
  assignIncident: 'assign incidents',
  notifyMaker: 'notify makers',
  approveSubmission: 'approve submissions',
  rejectSubmission: 'reject submissions',
};
const describe = (action: ActionName) => DESCRIPTIONS[action];
