// What the Teams bot needs from the rest of the server. The store implements these (ChannelStore and
// PersonalChatStore are its repositories, the rest are built over it in teams/store/); the bot never sees SQL.
// In-memory fakes for tests live in tests/fakes/teams-*.ts.
import type { Principal } from '../domain/types.js';
import type { ChannelDeactivationReason, ChannelRef, RegisteredChannel } from '../store/channel-repository.js';
import type { PersonalChatRef } from '../store/personal-chat-repository.js';
import type {
  AgentRiskCardView,
  ApprovalCardView,
  HuntResultsCardView,
  IncidentCardView,
  IncidentListCardView,
  StatusCardView,
} from './cards/card-views.js';

export type {
  ChannelDeactivationReason,
  ChannelRef,
  ConversationType,
  RegisteredChannel,
} from '../store/channel-repository.js';
export type { PersonalChatRef } from '../store/personal-chat-repository.js';

export interface ChannelStore {
  /** Registers the conversation, or updates and re-activates it (a reinstall). Keyed by conversationId. */
  upsertChannel(ref: ChannelRef): Promise<void>;
  /** Stops posting there; unknown ids are ignored. Keeps the row for the audit and `status`. */
  deactivate(conversationId: string, reason: ChannelDeactivationReason): Promise<void>;
  list(): Promise<RegisteredChannel[]>;
}

/** The personal chats people have with the bot, so that it can write them later (a maker about their agent). */
export interface PersonalChatStore {
  /** Stores or refreshes the person's reference (keyed by aadObjectId). */
  save(ref: PersonalChatRef): Promise<void>;
  /** By Agent Warden user id, Entra object id or UPN (case-insensitive); null when the bot has no chat with them. */
  find(userId: string): Promise<PersonalChatRef | null>;
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
