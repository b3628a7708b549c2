import type { AgentSnapshot } from '../domain/types.js';
import type { Db, Sql } from './db.js';
import { AgentRepository, READ_PAGE, TEXT_PAGE } from './agent-repository.js';
import { AuditRepository } from './audit-repository.js';
import { ChannelRepository } from './channel-repository.js';
import { IncidentRepository } from './incident-repository.js';
import { NotificationRepository } from './notification-repository.js';
import { Outbox } from './outbox.js';
import { PersonalChatRepository } from './personal-chat-repository.js';
import { SubmissionRepository } from './submission-repository.js';
import { ToolDefinitionRepository } from './tool-definition-repository.js';
import { UserRepository } from './user-repository.js';

/** The repositories over one database. */
export interface Store {
  db: Db;
  agents: AgentRepository;
  users: UserRepository;
  incidents: IncidentRepository;
  submissions: SubmissionRepository;
  audit: AuditRepository;
  outbox: Outbox;
  snapshots: SnapshotRepository;
  meta: MetaRepository;
  toolDefinitions: ToolDefinitionRepository;
  /** The conversations the bot posts in (the Teams room's ChannelStore). */
  channels: ChannelRepository;
  /** People's personal chats with the bot (the Teams room's PersonalChatStore). */
  personalChats: PersonalChatRepository;
  /** The notifier's card posts and messages to makers. */
  notifications: NotificationRepository;
}

/** `clock` dates what the store stamps itself (a channel's deactivation); the server hands down its own. */
export function createStore(db: Db, clock: () => Date = () => new Date()): Store {
  return {
    db,
    agents: new AgentRepository(db),
    users: new UserRepository(db),
    incidents: new IncidentRepository(db),
    submissions: new SubmissionRepository(db),
    audit: new AuditRepository(db),
    outbox: new Outbox(db),
    snapshots: new SnapshotRepository(db),
    meta: new MetaRepository(db),
    toolDefinitions: new ToolDefinitionRepository(db),
    channels: new ChannelRepository(db, clock),
    personalChats: new PersonalChatRepository(db),
    notifications: new NotificationRepository(db),
  };
}

export class SnapshotRepository {
  constructor(private readonly db: Sql) {}

  async save(snapshots: AgentSnapshot[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < snapshots.length; i += 1000) {
      await q.query(
        `insert into agent_snapshots (agent_id, taken_at, data)
         select r->>'agentId', (r->>'takenAt')::timestamptz, r from jsonb_array_elements($1::jsonb) r
         on conflict do nothing`,
        [JSON.stringify(snapshots.slice(i, i + 1000))],
      );
    }
  }

  /** Every snapshot by agent and time, read a page at a time (see AgentRepository.all). */
  async all(q: Sql = this.db): Promise<AgentSnapshot[]> {
    const snapshots: AgentSnapshot[] = [];
    let after = { agentId: '', takenAt: '-infinity' };
    for (;;) {
      const rows = await q.query<{ data: AgentSnapshot; agent_id: string; taken_at: string }>(
        `select data, agent_id, taken_at::text as taken_at from agent_snapshots
         where (agent_id, taken_at) > ($1, $2::timestamptz) order by agent_id, taken_at limit $3`,
        [after.agentId, after.takenAt, READ_PAGE],
      );
      for (const r of rows) snapshots.push(r.data);
      const last = rows[rows.length - 1];
      if (!last || rows.length < READ_PAGE) return snapshots;
      after = { agentId: last.agent_id, takenAt: last.taken_at };
    }
  }

  /** Every snapshot as JSON text, by agent and time, a page at a time (see AgentRepository.textPages). */
  async *textPages(q: Sql = this.db): AsyncGenerator<string[]> {
    let after = { agentId: '', takenAt: '-infinity' };
    for (;;) {
      const rows = await q.query<{ data: string; agent_id: string; taken_at: string }>(
        `select data::text as data, agent_id, taken_at::text as taken_at from agent_snapshots
         where (agent_id, taken_at) > ($1, $2::timestamptz) order by agent_id, taken_at limit $3`,
        [after.agentId, after.takenAt, TEXT_PAGE],
      );
      if (rows.length > 0) yield rows.map((r) => r.data);
      const last = rows[rows.length - 1];
      if (!last || rows.length < TEXT_PAGE) return;
      after = { agentId: last.agent_id, takenAt: last.taken_at };
    }
  }
}

export class MetaRepository {
  constructor(private readonly db: Sql) {}

  async get<T>(key: string, q: Sql = this.db): Promise<T | null> {
    const rows = await q.query<{ value: T }>('select value from meta where key = $1', [key]);
    return rows[0]?.value ?? null;
  }

  /** Every entry whose key starts with `prefix` (a literal prefix: `%` and `_` in it match themselves). */
  async withPrefix<T>(prefix: string, q: Sql = this.db): Promise<Map<string, T>> {
    const rows = await q.query<{ key: string; value: T }>('select key, value from meta where starts_with(key, $1)', [
      prefix,
    ]);
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async set(key: string, value: unknown, q: Sql = this.db): Promise<void> {
    await q.query(
      'insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
      [key, JSON.stringify(value)],
    );
  }
}

/** Readiness: the database answers a query (migrations ran before the store was built). */
export async function storeReachable(db: Db): Promise<boolean> {
  return (await db.query('select 1 as ok')).length === 1;
}
