// The `channels` table: the conversations the bot was added to (where it may post), what each one receives,
// and what the notifier keeps about them (their members, when it last posted). The Teams room's ChannelStore
// port (bot/src/teams/ports.ts) is this repository; the records' types live here, below the room.
import type { ConversationReference } from 'botbuilder';
import type { Severity } from '../domain/types.js';
import { SEVERITIES, severityRank } from '../domain/types.js';
import type { Sql } from './db.js';

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

/** A registered conversation with the settings the notifier reads. */
export interface SocChannel extends RegisteredChannel {
  /** The least severe incident the channel gets a card for (default high). */
  minSeverity: Severity;
  receivesApprovals: boolean;
  lastPostAt: string | null;
}

/** An active conversation the notifier may post in, with what it wants to receive. */
export interface ChannelTarget {
  conversationId: string;
  reference: Partial<ConversationReference>;
  minSeverity: Severity;
  receivesApprovals: boolean;
  /** Null: roster never read. */
  memberIds: string[] | null;
  membersSeenAt: Date | null;
}

interface ChannelRow {
  conversation_id: string;
  conversation_type: ConversationType;
  tenant_id: string | null;
  team_id: string | null;
  team_name: string | null;
  channel_name: string | null;
  service_url: string;
  reference: ChannelRef['reference'];
  registered_by: string | null;
  registered_at: Date | string | null;
  created_at: Date | string;
  active: boolean;
  deactivated_at: Date | string | null;
  inactive_reason: ChannelDeactivationReason | null;
  min_severity: Severity;
  receives_approvals: boolean;
  last_post_at: Date | string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

const COLUMNS = `conversation_id, conversation_type, tenant_id, team_id, team_name, channel_name, service_url, reference,
  registered_by, registered_at, created_at, active, deactivated_at, inactive_reason, min_severity, receives_approvals,
  last_post_at`;

function toChannel(r: ChannelRow): SocChannel {
  return {
    conversationId: r.conversation_id,
    conversationType: r.conversation_type,
    tenantId: r.tenant_id,
    teamId: r.team_id,
    teamName: r.team_name,
    channelName: r.channel_name,
    serviceUrl: r.service_url,
    reference: r.reference,
    registeredBy: r.registered_by,
    registeredAt: iso(r.registered_at) ?? new Date(r.created_at).toISOString(),
    active: r.active,
    deactivatedAt: iso(r.deactivated_at),
    deactivationReason: r.active ? null : r.inactive_reason,
    minSeverity: r.min_severity,
    receivesApprovals: r.receives_approvals,
    lastPostAt: iso(r.last_post_at),
  };
}

export class ChannelRepository {
  constructor(
    private readonly db: Sql,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Registers the conversation, or updates and re-activates it (a reinstall). Keyed by conversationId.
   * A reinstall refreshes the reference and keeps the channel's settings.
   */
  async upsertChannel(ref: ChannelRef): Promise<void> {
    await this.db.query(
      `insert into channels (conversation_id, conversation_type, tenant_id, team_id, team_name, channel_name, service_url,
                             reference, registered_by, registered_at, active, inactive_reason, deactivated_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz, true, null, null, $10::timestamptz)
       on conflict (conversation_id) do update set conversation_type = excluded.conversation_type,
         tenant_id = excluded.tenant_id, team_id = coalesce(excluded.team_id, channels.team_id),
         team_name = coalesce(excluded.team_name, channels.team_name),
         channel_name = coalesce(excluded.channel_name, channels.channel_name), service_url = excluded.service_url,
         reference = excluded.reference, registered_by = coalesce(excluded.registered_by, channels.registered_by),
         registered_at = case when channels.active then channels.registered_at else excluded.registered_at end,
         active = true, inactive_reason = null, deactivated_at = null, updated_at = excluded.updated_at`,
      [
        ref.conversationId,
        ref.conversationType,
        ref.tenantId,
        ref.teamId,
        ref.teamName,
        ref.channelName,
        ref.serviceUrl,
        JSON.stringify(ref.reference),
        ref.registeredBy,
        ref.registeredAt,
      ],
    );
  }

  /** Stops posting there; unknown ids are ignored. Keeps the row for the audit and `status`. */
  async deactivate(conversationId: string, reason: ChannelDeactivationReason): Promise<void> {
    const at = this.clock().toISOString();
    await this.db.query(
      `update channels set active = false, inactive_reason = $2, deactivated_at = $3::timestamptz, updated_at = $3::timestamptz
       where conversation_id = $1 and active`,
      [conversationId, reason, at],
    );
  }

  async list(): Promise<SocChannel[]> {
    const rows = await this.db.query<ChannelRow>(
      `select ${COLUMNS} from channels order by created_at, conversation_id`,
    );
    return rows.map(toChannel);
  }

  async get(conversationId: string): Promise<SocChannel | null> {
    const rows = await this.db.query<ChannelRow>(`select ${COLUMNS} from channels where conversation_id = $1`, [
      conversationId,
    ]);
    return rows[0] ? toChannel(rows[0]) : null;
  }

  /** Active channels that get a card for an incident of `severity`. */
  async forIncident(severity: Severity): Promise<SocChannel[]> {
    const channels = await this.list();
    return channels.filter((c) => c.active && severityRank(severity) >= severityRank(c.minSeverity));
  }

  /** Active channels that get approval cards. */
  async forApprovals(): Promise<SocChannel[]> {
    return (await this.list()).filter((c) => c.active && c.receivesApprovals);
  }

  /** Per-channel settings; returns false for an unknown conversation. */
  async configure(
    conversationId: string,
    settings: { minSeverity?: Severity; receivesApprovals?: boolean },
  ): Promise<boolean> {
    if (settings.minSeverity !== undefined && !SEVERITIES.includes(settings.minSeverity)) {
      throw new RangeError(`unknown severity '${String(settings.minSeverity)}'`);
    }
    const rows = await this.db.query<{ conversation_id: string }>(
      `update channels set min_severity = coalesce($2, min_severity),
              receives_approvals = coalesce($3, receives_approvals), updated_at = now()
       where conversation_id = $1 returning conversation_id`,
      [conversationId, settings.minSeverity ?? null, settings.receivesApprovals ?? null],
    );
    return rows.length === 1;
  }

  /** The active conversations the notifier posts in, oldest registration first. */
  async activeTargets(): Promise<ChannelTarget[]> {
    const rows = await this.db.query<{
      conversation_id: string;
      reference: Partial<ConversationReference>;
      min_severity: Severity;
      receives_approvals: boolean;
      member_ids: string[] | null;
      members_seen_at: Date | string | null;
    }>(
      `select conversation_id, reference, min_severity, receives_approvals, member_ids, members_seen_at
       from channels where active order by created_at, conversation_id`,
    );
    return rows.map((r) => ({
      conversationId: r.conversation_id,
      reference: r.reference,
      minSeverity: r.min_severity,
      receivesApprovals: r.receives_approvals,
      memberIds: r.member_ids,
      membersSeenAt: r.members_seen_at ? new Date(r.members_seen_at) : null,
    }));
  }

  /** The conversation's members as the notifier last read them from Teams. */
  async saveMembers(conversationId: string, memberIds: string[]): Promise<void> {
    await this.db.query('update channels set member_ids = $2, members_seen_at = now() where conversation_id = $1', [
      conversationId,
      memberIds,
    ]);
  }

  /** The members saved by saveMembers; empty when never read or the conversation is unknown. */
  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db.query<{ ids: string[] | null }>(
      'select member_ids as ids from channels where conversation_id = $1',
      [conversationId],
    );
    const ids = rows[0]?.ids;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  }

  async notePost(conversationId: string): Promise<void> {
    await this.db.query('update channels set last_post_at = now() where conversation_id = $1', [conversationId]);
  }

  /** When the bot last posted in the conversation, or (unknown there) anywhere; null when never. ISO-8601 UTC. */
  async lastPostAt(conversationId: string): Promise<string | null> {
    const rows = await this.db.query<{ at: Date | string | null }>(
      `select coalesce((select last_post_at from channels where conversation_id = $1),
                       (select max(last_post_at) from channels)) as at`,
      [conversationId],
    );
    return iso(rows[0]?.at ?? null);
  }
}
