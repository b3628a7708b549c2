// ChannelStore over the `channels` table: where the bot may post, and what each channel receives.
import type { Severity } from '../../domain/types.js';
import { SEVERITIES, severityRank } from '../../domain/types.js';
import type { Sql } from '../../store/db.js';
import type {
  ChannelDeactivationReason,
  ChannelRef,
  ChannelStore,
  ConversationType,
  RegisteredChannel,
} from '../ports.js';

/** A registered conversation with the settings the notifier reads. */
export interface SocChannel extends RegisteredChannel {
  /** The least severe incident the channel gets a card for (default high). */
  minSeverity: Severity;
  receivesApprovals: boolean;
  lastPostAt: string | null;
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

export class StoreChannelStore implements ChannelStore {
  constructor(
    private readonly db: Sql,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A reinstall re-activates the row and refreshes its reference, keeping the channel's settings. */
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
}
