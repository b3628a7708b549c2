// What the notifier keeps (migration 004): what was posted where (card_posts) and the messages to makers
// (maker_notices). Every state change is one conditional statement on a row the caller holds a lease on, so
// two instances never act on the same card at once and a crashed one's rows become claimable again. The
// channels the cards go to are in channel-repository.ts.
import type { Sql } from './db.js';

export type CardSubjectType = 'incident' | 'submission';
export type CardPostState = 'pending' | 'sending' | 'posted' | 'failed';

export interface CardPostRow {
  subjectType: CardSubjectType;
  subjectId: string;
  conversationId: string;
  activityId: string | null;
  state: CardPostState;
  contentHash: string | null;
  announcedAlertIds: string[];
  announcedAlertCount: number;
  replyInFlight: string[] | null;
  reposted: boolean;
  sendCount: number;
}

/** One card of one subject in one conversation. */
export interface CardKey {
  subjectType: CardSubjectType;
  subjectId: string;
  conversationId: string;
}

/** What updateCard changes on a card's row (absent: unchanged). */
export type CardPostUpdate = Partial<{
  state: CardPostState;
  activityId: string | null;
  contentHash: string | null;
  announcedAlertIds: string[];
  announcedAlertCount: number;
  replyInFlight: string[] | null;
  reposted: boolean;
  incrementSendCount: boolean;
  postedNow: boolean;
  lastError: string | null;
  leaseMs: number;
}>;

export type MakerNoticeState = 'pending' | 'sending' | 'sent' | 'noPersonalChat' | 'failed';

export interface MakerNoticeRow {
  outboxSeq: number;
  recipient: string;
  message: string;
  state: MakerNoticeState;
  activityId: string | null;
  reason: string | null;
  resent: boolean;
}

/** What updateNotice writes on a notice's row. */
export interface MakerNoticeUpdate {
  state: MakerNoticeState;
  activityId?: string | null;
  reason?: string | null;
  resent?: boolean;
}

interface CardPostDbRow {
  subject_type: CardSubjectType;
  subject_id: string;
  conversation_id: string;
  activity_id: string | null;
  state: CardPostState;
  content_hash: string | null;
  announced_alert_ids: string[];
  announced_alert_count: number;
  reply_in_flight: string[] | null;
  reposted: boolean;
  send_count: number;
}

const toCardPost = (r: CardPostDbRow): CardPostRow => ({
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  conversationId: r.conversation_id,
  activityId: r.activity_id,
  state: r.state,
  contentHash: r.content_hash,
  announcedAlertIds: r.announced_alert_ids ?? [],
  announcedAlertCount: r.announced_alert_count,
  replyInFlight: r.reply_in_flight,
  reposted: r.reposted,
  sendCount: r.send_count,
});

const CARD_COLUMNS = `subject_type, subject_id, conversation_id, activity_id, state, content_hash, announced_alert_ids,
  announced_alert_count, reply_in_flight, reposted, send_count`;

export class NotificationRepository {
  constructor(private readonly db: Sql) {}

  async cardPost(subjectType: CardSubjectType, subjectId: string, conversationId: string): Promise<CardPostRow | null> {
    const rows = await this.db.query<CardPostDbRow>(
      `select ${CARD_COLUMNS} from card_posts where subject_type = $1 and subject_id = $2 and conversation_id = $3`,
      [subjectType, subjectId, conversationId],
    );
    return rows[0] ? toCardPost(rows[0]) : null;
  }

  /**
   * Takes the card's row for `owner` (creating it as 'pending'): null when another worker holds a live lease.
   * `abandoned` says the previous holder's lease ran out (or was dropped) with a new post possibly in flight.
   */
  async leaseCard(
    subjectType: CardSubjectType,
    subjectId: string,
    conversationId: string,
    owner: string,
    leaseMs: number,
  ): Promise<CardPostRow | null> {
    await this.db.query(
      `insert into card_posts (subject_type, subject_id, conversation_id, state) values ($1, $2, $3, 'pending')
       on conflict do nothing`,
      [subjectType, subjectId, conversationId],
    );
    const rows = await this.db.query<CardPostDbRow>(
      `update card_posts set lease_owner = $4, lease_until = now() + ($5::int * interval '1 millisecond')
       where subject_type = $1 and subject_id = $2 and conversation_id = $3
         and (lease_until is null or lease_until < now() or lease_owner = $4)
       returning ${CARD_COLUMNS}`,
      [subjectType, subjectId, conversationId, owner, leaseMs],
    );
    return rows[0] ? toCardPost(rows[0]) : null;
  }

  /**
   * Applies `set` to the card's row if `owner` still holds it; false when the lease was lost (then the caller
   * must not send). `release` drops the lease in the same statement.
   */
  async updateCard(key: CardKey, owner: string, set: CardPostUpdate, release: boolean): Promise<boolean> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [key.subjectType, key.subjectId, key.conversationId, owner];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      sets.push(sql.replace('?', `$${params.length}`));
    };
    if (set.state !== undefined) add('state = ?', set.state);
    if (set.activityId !== undefined) add('activity_id = ?', set.activityId);
    if (set.contentHash !== undefined) add('content_hash = ?', set.contentHash);
    if (set.announcedAlertIds !== undefined) add('announced_alert_ids = ?', set.announcedAlertIds);
    if (set.announcedAlertCount !== undefined) add('announced_alert_count = ?', set.announcedAlertCount);
    if (set.replyInFlight !== undefined) add('reply_in_flight = ?', set.replyInFlight);
    if (set.reposted !== undefined) add('reposted = ?', set.reposted);
    if (set.lastError !== undefined) add('last_error = ?', set.lastError?.slice(0, 2000) ?? null);
    if (set.incrementSendCount) sets.push('send_count = send_count + 1');
    if (set.postedNow) sets.push('posted_at = now()');
    if (release) sets.push('lease_owner = null', 'lease_until = null');
    else if (set.leaseMs !== undefined) add(`lease_until = now() + (?::int * interval '1 millisecond')`, set.leaseMs);
    const rows = await this.db.query(
      `update card_posts set ${sets.join(', ')}
       where subject_type = $1 and subject_id = $2 and conversation_id = $3 and lease_owner = $4
         and lease_until >= now()
       returning 1 as ok`,
      params,
    );
    return rows.length === 1;
  }

  async cardPosts(subjectType: CardSubjectType, subjectId: string): Promise<CardPostRow[]> {
    const rows = await this.db.query<CardPostDbRow>(
      `select ${CARD_COLUMNS} from card_posts where subject_type = $1 and subject_id = $2 order by conversation_id`,
      [subjectType, subjectId],
    );
    return rows.map(toCardPost);
  }

  /** The notice for an outbox message, created as 'pending' the first time; null when someone else holds it. */
  async leaseNotice(
    outboxSeq: number,
    recipient: string,
    message: string,
    owner: string,
    leaseMs: number,
  ): Promise<{ row: MakerNoticeRow; abandoned: boolean } | null> {
    await this.db.query(
      `insert into maker_notices (outbox_seq, recipient, message) values ($1, $2, $3) on conflict do nothing`,
      [outboxSeq, recipient, message],
    );
    const rows = await this.db.query<{
      outbox_seq: number;
      recipient: string;
      message: string;
      state: MakerNoticeState;
      activity_id: string | null;
      reason: string | null;
      resent: boolean;
    }>(
      `update maker_notices set lease_owner = $2, lease_until = now() + ($3::int * interval '1 millisecond')
       where outbox_seq = $1 and (lease_until is null or lease_until < now() or lease_owner = $2)
       returning outbox_seq, recipient, message, state, activity_id, reason, resent`,
      [outboxSeq, owner, leaseMs],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      row: {
        outboxSeq: Number(r.outbox_seq),
        recipient: r.recipient,
        message: r.message,
        state: r.state,
        activityId: r.activity_id,
        reason: r.reason,
        resent: r.resent,
      },
      abandoned: r.state === 'sending',
    };
  }

  async updateNotice(outboxSeq: number, owner: string, set: MakerNoticeUpdate, release: boolean): Promise<boolean> {
    const rows = await this.db.query(
      `update maker_notices set state = $3, activity_id = coalesce($4, activity_id), reason = $5,
              resent = resent or $6, updated_at = now()
              ${release ? ', lease_owner = null, lease_until = null' : ''}
       where outbox_seq = $1 and lease_owner = $2 and lease_until >= now()
       returning 1 as ok`,
      [outboxSeq, owner, set.state, set.activityId ?? null, set.reason ?? null, set.resent ?? false],
    );
    return rows.length === 1;
  }

  async notices(recipient?: string): Promise<MakerNoticeRow[]> {
    const rows = await this.db.query<{
      outbox_seq: number;
      recipient: string;
      message: string;
      state: MakerNoticeState;
      activity_id: string | null;
      reason: string | null;
      resent: boolean;
    }>(
      `select outbox_seq, recipient, message, state, activity_id, reason, resent from maker_notices
       where ($1::text is null or recipient = $1) order by outbox_seq`,
      [recipient ?? null],
    );
    return rows.map((r) => ({
      outboxSeq: Number(r.outbox_seq),
      recipient: r.recipient,
      message: r.message,
      state: r.state,
      activityId: r.activity_id,
      reason: r.reason,
      resent: r.resent,
    }));
  }
}
