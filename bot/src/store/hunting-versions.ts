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
 * `create` makes one when there is none (kept by the first writer when two race). Older versions' tokens stay until
 * a newer version is complete on disk (`dropHuntingTableTokensBelow`): a restart before that answers from them.
 */
export async function huntingTableToken(
  q: Sql,
  part: string,
  version: number,
  create: boolean,
): Promise<string | null> {
  if (create) {
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

/** The tokens of a part's versions older than `version`, newest first (at most `limit`). */
export async function huntingTableTokensBelow(
  q: Sql,
  part: string,
  version: number,
  limit: number,
): Promise<{ version: number; token: string }[]> {
  const rows = await q.query<{ version: number; token: string }>(
    'select version, token from hunting_table_tokens where part = $1 and version < $2 order by version desc limit $3',
    [part, version, limit],
  );
  return rows.map((r) => ({ version: Number(r.version), token: r.token }));
}

/** Forgets the tokens of a part's versions older than `version` (complete on disk: theirs are not read again). */
export async function dropHuntingTableTokensBelow(q: Sql, part: string, version: number): Promise<void> {
  await q.query('delete from hunting_table_tokens where part = $1 and version < $2', [part, version]);
}
