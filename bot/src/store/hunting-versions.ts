import { randomUUID } from 'node:crypto';
import type { Sql } from './db.js';

/**
 * Where the hunting tables' sources stand (migration 035): `agents` moves when agents' data, their snapshots or the
 * directory change, `runtime` when protection events or alerts do. Reading them reads no rows.
 */
export async function huntingSourceVersions(q: Sql): Promise<{ agents: number; runtime: number }> {
  const rows = await q.query<{ agents: number; runtime: number }>(
    `select (select case when is_called then last_value else 0 end from hunting_agents_seq)::float8 as agents,
            (select case when is_called then last_value else 0 end from hunting_runtime_seq)::float8 as runtime`,
  );
  return { agents: Number(rows[0]?.agents ?? 0), runtime: Number(rows[0]?.runtime ?? 0) };
}

/**
 * The token the database keeps for a version of a hunting part (migration 036): the disk cache of that version's
 * columns is named by it, so files written over another database, or an earlier copy of this one, are never read.
 * `create` makes one when there is none (kept by the first writer when two race); tokens of older versions go.
 */
export async function huntingTableToken(
  q: Sql,
  part: string,
  version: number,
  create: boolean,
): Promise<string | null> {
  if (create) {
    await q.query('delete from hunting_table_tokens where part = $1 and version < $2', [part, version]);
    await q.query(
      'insert into hunting_table_tokens (part, version, token) values ($1, $2, $3) on conflict (part, version) do nothing',
      [part, version, randomUUID()],
    );
  }
  const rows = await q.query<{ token: string }>(
    'select token from hunting_table_tokens where part = $1 and version = $2',
    [part, version],
  );
  return rows[0]?.token ?? null;
}
