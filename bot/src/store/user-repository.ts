import type { DirectoryUser } from '../domain/types.js';
import type { Sql } from './db.js';

export class UserRepository {
  constructor(private readonly db: Sql) {}

  async upsert(users: DirectoryUser[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < users.length; i += 1000) {
      await q.query(
        `insert into users (id, upn, data)
         select r->>'id', lower(r->>'upn'), r from jsonb_array_elements($1::jsonb) as r
         on conflict (id) do update set upn = excluded.upn, data = excluded.data`,
        [JSON.stringify(users.slice(i, i + 1000))],
      );
    }
  }

  /** By object id or UPN (case-insensitive), as Graph's /users/{id|upn} accepts both. */
  async get(idOrUpn: string, q: Sql = this.db): Promise<DirectoryUser | null> {
    const rows = await q.query<{ data: DirectoryUser }>('select data from users where id = $1 or upn = lower($1)', [
      idOrUpn,
    ]);
    return rows[0]?.data ?? null;
  }

  /** The users with these UPNs (case-insensitive); unknown ones are left out. */
  async byUpns(upns: string[], q: Sql = this.db): Promise<DirectoryUser[]> {
    if (upns.length === 0) return [];
    const rows = await q.query<{ data: DirectoryUser }>('select data from users where upn = any($1::text[])', [
      [...new Set(upns.map((u) => u.toLowerCase()))],
    ]);
    return rows.map((r) => r.data);
  }

  async getForUpdate(tx: Sql, id: string): Promise<DirectoryUser | null> {
    const rows = await tx.query<{ data: DirectoryUser }>('select data from users where id = $1 for update', [id]);
    return rows[0]?.data ?? null;
  }

  async save(user: DirectoryUser, q: Sql = this.db): Promise<void> {
    await q.query('update users set data = $2 where id = $1', [user.id, JSON.stringify(user)]);
  }

  async all(q: Sql = this.db): Promise<DirectoryUser[]> {
    return (await q.query<{ data: DirectoryUser }>('select data from users order by upn')).map((r) => r.data);
  }

  /** People who hold at least one Agent Warden role: the dev sign-in's personas. */
  async withRoles(q: Sql = this.db): Promise<DirectoryUser[]> {
    return (
      await q.query<{ data: DirectoryUser }>(
        `select data from users where jsonb_array_length(data->'roles') > 0 order by data->>'displayName'`,
      )
    ).map((r) => r.data);
  }
}
