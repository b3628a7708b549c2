// One incident and one submission of the Zava story, in memory, behind the bot's IncidentReader and the
// ResponseActions port. The actions authorize with the domain's rule, are done once per idempotency key
// (a repeated key answers noop) and write the history the cards show, like the real service.
import type { ActionName } from '../../bot/src/domain/authorization.js';
import { mayPerform } from '../../bot/src/domain/authorization.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../bot/src/domain/errors.js';
import type { AgentDefinition, Classification, Submission } from '../../bot/src/domain/types.js';
import type { ActionResult } from '../../bot/src/contract/api.js';
import type { ActionContext, ResponseActions } from '../../bot/src/response/response-actions.js';
import type {
  AgentRiskCardView,
  ApprovalCardView,
  CardHistoryEntry,
  IncidentCardView,
  IncidentListCardView,
  StatusCardView,
} from '../../bot/src/teams/cards/card-views.js';
import type { IncidentReader } from '../../bot/src/teams/ports.js';
import { makeAgent, makeTool } from './agent-factory.js';
import { makeApprovalCardView, makeIncidentCardView } from './teams-card-views.js';

export interface ActionCall {
  method: keyof ResponseActions;
  principalId: string;
  idempotencyKey: string | null;
  via: string;
  args: unknown[];
}

const done = (message: string): ActionResult => ({ outcome: 'done', message, auditId: `audit-${message.length}` });
const noop = (message: string): ActionResult => ({ outcome: 'noop', message, auditId: null });

export class FakeSocWorld {
  incident: IncidentCardView = makeIncidentCardView();
  approval: ApprovalCardView = makeApprovalCardView();
  readonly calls: ActionCall[] = [];
  /** Which conversation each card view was asked for. */
  readonly viewRequests: { id: string; conversationId: string | null }[] = [];
  private readonly keys = new Set<string>();
  private gate: Promise<void> | null = null;

  constructor(readonly clock: () => Date = () => new Date('2026-11-24T10:42:00.000Z')) {}

  /** Holds every action until the returned function is called: for the invoke timeout. */
  holdActions(): () => void {
    let release: () => void = () => {};
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = null;
      release();
    };
  }

  readonly reader: IncidentReader = {
    incidentCardView: async (incidentId, conversationId) => {
      this.viewRequests.push({ id: incidentId, conversationId });
      return incidentId === this.incident.incident.id ? structuredClone(this.incident) : null;
    },
    approvalCardView: async (submissionId, conversationId) => {
      this.viewRequests.push({ id: submissionId, conversationId });
      return submissionId === this.approval.submission.id ? structuredClone(this.approval) : null;
    },
    openIncidents: async (limit): Promise<IncidentListCardView> => ({
      items:
        this.incident.incident.status === 'resolved'
          ? []
          : [{ incident: this.incident.incident, links: this.incident.links }].slice(0, limit),
      totalOpen: this.incident.incident.status === 'resolved' ? 0 : 1,
      links: {
        teams: 'https://teams.microsoft.com/l/entity/app/warden',
        browser: 'https://warden.zava.example/incidents',
      },
    }),
    findAgentByName: async (name): Promise<AgentRiskCardView | null> => {
      if (name.toLowerCase() !== 'customer billing agent') return null;
      const agent = makeAgent({
        name: 'Customer Billing Agent',
        tools: [makeTool({ name: 'Billing MCP', kind: 'mcpServer', connectionMode: 'maker' })],
      });
      return {
        agent: { ...agent, tools: agent.tools },
        risk: {
          score: 40,
          level: 'critical',
          signals: [
            {
              id: 'mcp-maker-credentials',
              severity: 'critical',
              title: "MCP server connected with the maker's credentials",
              evidence: ['tool Billing MCP'],
              owasp: 'LLM06:2025 Excessive Agency',
            },
          ],
        },
        openIncidentCount: 1,
        links: {
          teams: 'https://teams.microsoft.com/l/entity/app/warden',
          browser: 'https://warden.zava.example/agents/a',
        },
      };
    },
    statusView: async (conversationId): Promise<StatusCardView> => ({
      channel:
        conversationId === '19:soc@thread.tacv2'
          ? {
              conversationId,
              name: 'SOC',
              teamName: 'Security',
              active: true,
              registeredAt: '2026-11-01T09:00:00.000Z',
            }
          : null,
      openIncidents: { total: 1, bySeverity: { high: 1 } },
      lastPostedAt: '2026-11-24T10:41:00.000Z',
      pendingPosts: 0,
      tenant: 'embedded',
      version: '0.1.0',
    }),
  };

  readonly actions: ResponseActions = {
    blockAgent: (ctx, agentId, reason) =>
      this.perform(ctx, 'blockAgent', [agentId, reason], () => {
        const agent = this.agent(agentId);
        if (agent.lifecycle === 'blocked') return noop(`${agent.name} is already blocked.`);
        agent.lifecycle = 'blocked';
        agent.blockedAt = this.now();
        agent.blockedBy = ctx.principal.upn;
        this.record(ctx, 'blockAgent', agent.name, null);
        return done(`${agent.name} is blocked.`);
      }),
    unblockAgent: (ctx, agentId, reason) =>
      this.perform(ctx, 'unblockAgent', [agentId, reason], () => {
        const agent = this.agent(agentId);
        if (agent.lifecycle === 'active') return noop(`${agent.name} is not blocked.`);
        Object.assign(agent, { lifecycle: 'active', blockedAt: null, blockedBy: null });
        this.record(ctx, 'unblockAgent', agent.name, null);
        return done(`${agent.name} is unblocked.`);
      }),
    revokeUser: (ctx, userId, incidentId) =>
      this.perform(ctx, 'revokeUser', [userId, incidentId], () => {
        const user = this.incident.users.find((u) => u.id === userId);
        if (!user) throw new NotFoundError('user', userId);
        if (user.sessionsRevokedAt) return noop(`${user.displayName}'s sessions are already revoked.`);
        Object.assign(user, {
          sessionsRevokedAt: this.now(),
          passwordResetRequired: true,
          riskState: 'confirmedCompromised',
        });
        this.record(ctx, 'revokeUser', user.displayName, null);
        return done(`${user.displayName}'s sessions are revoked.`);
      }),
    resolveIncident: (ctx, incidentId, classification: Classification, comment) =>
      this.perform(ctx, 'resolveIncident', [incidentId, classification, comment], () => {
        const incident = this.incidentOf(incidentId);
        if (incident.status === 'resolved') return noop('The incident is already resolved.');
        Object.assign(incident, {
          status: 'resolved',
          classification,
          resolutionComment: comment || null,
          resolvedAt: this.now(),
          resolvedBy: ctx.principal.upn,
        });
        this.record(ctx, 'resolveIncident', null, classification);
        return done('The incident is resolved.');
      }),
    assignIncident: (ctx, incidentId, assigneeUpn) =>
      this.perform(ctx, 'assignIncident', [incidentId, assigneeUpn], () => {
        const incident = this.incidentOf(incidentId);
        if (incident.assignedTo === assigneeUpn) return noop('Already assigned.');
        incident.assignedTo = assigneeUpn;
        this.record(ctx, 'assignIncident', assigneeUpn, null);
        return done(`Assigned to ${assigneeUpn}.`);
      }),
    notifyMaker: (ctx, agentId, message) =>
      this.perform(ctx, 'notifyMaker', [agentId, message], () => done('The maker was notified.')),
    submitVersion: async (
      _ctx: ActionContext,
      _agentId: string,
      _input: { version: string; note: string; definition: AgentDefinition },
    ): Promise<Submission> => {
      throw new Error('the bot never submits versions');
    },
    approveSubmission: (ctx, submissionId, reason = '') =>
      this.perform(ctx, 'approveSubmission', [submissionId, reason], () => {
        const submission = this.submissionOf(submissionId);
        if (submission.status === 'approved') return noop('This version was already approved.');
        if (submission.status === 'rejected') throw new ConflictError('This version was already rejected.');
        Object.assign(submission, {
          status: 'approved',
          reviewedBy: ctx.principal.upn,
          reviewedAt: this.now(),
          reason: reason || null,
        });
        this.approval.agent.lifecycle = 'active';
        this.record(ctx, 'approveSubmission', submission.version, null, 'approval');
        return done('Approved and published.');
      }),
    rejectSubmission: (ctx, submissionId, reason) =>
      this.perform(ctx, 'rejectSubmission', [submissionId, reason], () => {
        const submission = this.submissionOf(submissionId);
        if (submission.status === 'rejected') return noop('This version was already rejected.');
        if (submission.status === 'approved')
          throw new ConflictError('This version was already approved and published.');
        Object.assign(submission, {
          status: 'rejected',
          reviewedBy: ctx.principal.upn,
          reviewedAt: this.now(),
          reason,
        });
        this.record(ctx, 'rejectSubmission', submission.version, reason, 'approval');
        return done('Rejected.');
      }),
  };

  private async perform(
    ctx: ActionContext,
    action: ActionName,
    args: unknown[],
    apply: () => ActionResult,
  ): Promise<ActionResult> {
    this.calls.push({
      method: action,
      principalId: ctx.principal.id,
      idempotencyKey: ctx.idempotencyKey,
      via: ctx.via,
      args,
    });
    if (this.gate) await this.gate;
    if (!mayPerform(ctx.principal, action)) {
      throw new ForbiddenError(`${ctx.principal.displayName} is not allowed to ${action}.`);
    }
    if (ctx.idempotencyKey) {
      if (this.keys.has(ctx.idempotencyKey)) return noop('Already done.');
      this.keys.add(ctx.idempotencyKey);
    }
    return apply();
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private record(
    ctx: ActionContext,
    action: ActionName,
    targetName: string | null,
    detail: string | null,
    on: 'incident' | 'approval' = 'incident',
  ): void {
    const entry: CardHistoryEntry = {
      action,
      actorName: ctx.principal.displayName,
      at: this.now(),
      targetName,
      detail,
    };
    (on === 'incident' ? this.incident : this.approval).history.push(entry);
  }

  private agent(agentId: string) {
    const agent = this.incident.agents.find((a) => a.id === agentId);
    if (!agent) throw new NotFoundError('agent', agentId);
    return agent;
  }

  private incidentOf(incidentId: string) {
    if (incidentId !== this.incident.incident.id) throw new NotFoundError('incident', incidentId);
    return this.incident.incident;
  }

  private submissionOf(submissionId: string) {
    if (submissionId !== this.approval.submission.id) throw new NotFoundError('submission', submissionId);
    return this.approval.submission;
  }
}
