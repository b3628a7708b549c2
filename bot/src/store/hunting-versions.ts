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
