// The `personal_chats` table: the personal chats people have with the bot, stored when someone talks to it
// there, so that the notifier can later write them (a maker hears about their agent's review there). The
// Teams room's PersonalChatStore port (bot/src/teams/ports.ts) is this repository.
import type { ConversationReference } from 'botbuilder';
import type { Sql } from './db.js';

export interface PersonalChatRef {
  /** Entra object id of the person, as Teams sends it on every activity. */
  aadObjectId: string;
  /** Agent Warden user id and UPN when the directory knows the person; null otherwise. */
  userId: string | null;
  upn: string | null;
  /** For `adapter.continueConversationAsync(botAppId, reference, ...)`. */
  reference: Partial<ConversationReference>;
  /** ISO-8601 UTC of the last activity seen in the chat. */
  updatedAt: string;
}

interface Row {
  aad_object_id: string;
  user_id: string | null;
  upn: string | null;
  reference: Partial<ConversationReference>;
  updated_at: Date | string;
}

export class PersonalChatRepository {
  constructor(private readonly db: Sql) {}

  /** Stores or refreshes the person's reference (keyed by aadObjectId). */
  async save(ref: PersonalChatRef): Promise<void> {
    const conversationId = ref.reference.conversation?.id;
    if (!conversationId) throw new RangeError('a personal chat reference needs conversation.id');
    if (!ref.aadObjectId) throw new RangeError('a personal chat reference needs the aadObjectId');
    await this.db.query(
      `insert into personal_chats (aad_object_id, user_id, upn, conversation_id, reference, updated_at)
       values ($1, $2, lower($3), $4, $5, $6::timestamptz)
       on conflict (aad_object_id) do update set user_id = coalesce(excluded.user_id, personal_chats.user_id),
         upn = coalesce(excluded.upn, personal_chats.upn), conversation_id = excluded.conversation_id,
         reference = excluded.reference, updated_at = excluded.updated_at`,
      [ref.aadObjectId, ref.userId, ref.upn, conversationId, JSON.stringify(ref.reference), ref.updatedAt],
    );
  }

  /** By Agent Warden user id, Entra object id or UPN (case-insensitive); null when the bot has no chat with them. */
  async find(userId: string): Promise<PersonalChatRef | null> {
    const key = userId.trim();
    if (!key) return null;
    const rows = await this.db.query<Row>(
      `select aad_object_id, user_id, upn, reference, updated_at from personal_chats
       where aad_object_id = $1 or user_id = $1 or upn = lower($1) order by updated_at desc limit 1`,
      [key],
    );
    const r = rows[0];
    return r
      ? {
          aadObjectId: r.aad_object_id,
          userId: r.user_id,
          upn: r.upn,
          reference: r.reference,
          updatedAt: new Date(r.updated_at).toISOString(),
        }
      : null;
  }
}
