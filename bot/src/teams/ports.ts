// What the Teams bot needs from the rest of the server. The store (and the Graph adapter) implement
// these; the bot never sees SQL. In-memory fakes for tests live in tests/fakes/teams-*.ts.
import type { ConversationReference } from 'botbuilder';
import type { Principal } from '../domain/types.js';
import type {
  AgentRiskCardView,
  ApprovalCardView,
  HuntResultsCardView,
  IncidentCardView,
  IncidentListCardView,
  StatusCardView,
} from './cards/card-views.js';

export type ConversationType = 'channel' | 'groupChat';

/** A conversation the bot was added to and may post incident cards in. */
export interface ChannelRef {
  /** The conversation id without any `;messageid=` suffix: for a team channel, the channel id (19:...). */
  conversationId: string;
  conversationType: ConversationType;
  tenantId: string | null;
  teamId: string | null;
  teamName: string | null;
  /** Null for a team's General channel, which Teams leaves unnamed. */
  channelName: string | null;
  serviceUrl: string;
  /** For `adapter.continueConversationAsync(botAppId, reference, ...)`: no activity id, so posts start a new thread. */
  reference: Partial<ConversationReference>;
  /** Entra object id of whoever installed the app here, when Teams says. */
  registeredBy: string | null;
  /** ISO-8601 UTC. */
  registeredAt: string;
}

export type ChannelDeactivationReason = 'uninstalled' | 'botRemoved' | 'teamDeleted' | 'channelDeleted';

export interface RegisteredChannel extends ChannelRef {
  active: boolean;
  deactivatedAt: string | null;
  deactivationReason: ChannelDeactivationReason | null;
}

export interface ChannelStore {
  /** Registers the conversation, or updates and re-activates it (a reinstall). Keyed by conversationId. */
  upsertChannel(ref: ChannelRef): Promise<void>;
  /** Stops posting there; unknown ids are ignored. Keeps the row for the audit and `status`. */
  deactivate(conversationId: string, reason: ChannelDeactivationReason): Promise<void>;
  list(): Promise<RegisteredChannel[]>;
}

/** Card views, filled from the store (or Graph). Null when the thing does not exist. */
export interface IncidentReader {
  /**
   * `conversationId` is where the card is shown: the view's `audience` holds that conversation's members
   * (as the notifier last saw them) so the returned card keeps refreshing for them. Unknown: empty audience.
   */
  incidentCardView(incidentId: string, conversationId: string | null): Promise<IncidentCardView | null>;
  approvalCardView(submissionId: string, conversationId: string | null): Promise<ApprovalCardView | null>;
  /** Unresolved incidents, most severe then most recent first, at most `limit` items (and the total). */
  openIncidents(limit: number): Promise<IncidentListCardView>;
  /** Case-insensitive exact name first, then a unique partial match; null when none or ambiguous. */
  findAgentByName(name: string): Promise<AgentRiskCardView | null>;
  statusView(conversationId: string): Promise<StatusCardView>;
}

/** Who clicked or typed, from the Teams identity. Null: not a user of this tenant, or without a role. */
export interface PrincipalResolver {
  byAadObjectId(aadObjectId: string): Promise<Principal | null>;
  byUpn(upn: string): Promise<Principal | null>;
}

export interface HuntRunner {
  templateIds(): Promise<string[]>;
  /** Runs a template for the principal; null for an unknown template. Throws ForbiddenError. */
  run(principal: Principal, templateId: string, options: { rowLimit: number }): Promise<HuntResultsCardView | null>;
}
