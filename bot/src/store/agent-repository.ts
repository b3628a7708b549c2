import type { Agent, Lifecycle, Platform } from '../domain/types.js';
import type { AgentRisk, RiskLevel } from '../domain/risk.js';
import type { Sql } from './db.js';
import type { CursorKeyKind } from './cursor.js';
import { decodeCursor, encodeCursor } from './cursor.js';

export type AgentSort = 'risk' | 'name' | 'modified';

export interface AgentListFilter {
  search?: string;
  riskLevels?: RiskLevel[];
  platforms?: Platform[];
  lifecycles?: Lifecycle[];
  mcpOnMakerCredentials?: boolean;
  sort: AgentSort;
  limit: number;
  cursor?: string | null;
}

export interface AgentListRow {
  id: string;
  name: string;
  platform: Platform;
  lifecycle: Lifecycle;
  publish_status: Agent['publishStatus'];
  created_by: string;
  owners: string[];
  risk_score: number;
  risk_level: RiskLevel;
  signals: { id: string; severity: string; title: string }[];
  tool_count: number;
  mcp_maker: boolean;
  last_modified_at: Date | string;
}

const isMcpOnMaker = (a: Agent): boolean =>
  a.tools.some((t) => t.kind === 'mcpServer' && t.connectionMode === 'maker') ||
  a.knowledgeSources.some((k) => k.kind === 'mcpServer' && k.connectionMode === 'maker');

/** The columns queries use, derived from the agent record in one place. */
function agentColumns(a: Agent) {
  return {
    id: a.id,
    name: a.name,
    platform: a.platform,
    lifecycle: a.lifecycle,
    publish_status: a.publishStatus,
    created_by: a.createdBy,
    owners: a.owners,
    last_modified_at: a.lastModifiedAt,
    search: `${a.name} ${a.createdBy} ${a.owners.join(' ')} ${a.description}`.toLowerCase(),
    tool_count: a.tools.length,
    mcp_maker: isMcpOnMaker(a),
    data: a,
  };
}

/** Rows per query when reading the whole table. */
export const READ_PAGE = 2000;
/**
 * Rows per query when the hunting tables' builder reads every record beside the server's requests: on PGlite's one
 * connection a request waits for the page being read, and while the builder parses on the other core a page of
 * 2,000 agents took up to 230 ms, of 500 up to 126 ms, of 200 under 75 ms (the whole read as long).
 */
export const TEXT_PAGE = 200;
/**
 * Rows per query when reading a few fields of every agent: 20,000 took 435-690 ms on PGlite at 100,000 agents, and
 * every other request waited behind it on PGlite's one connection; 2,000 take about 50 ms.
 */
const SUMMARY_PAGE = 2000;

/** An agent's fields the runtime hunting tables and CloudAppEvents read. */
export type AgentSummary = Pick<Agent, 'id' | 'name' | 'platform' | 'environmentId' | 'lastActivityAt'>;

const UPSERT = `
  insert into agents (id, name, platform, lifecycle, publish_status, created_by, owners, last_modified_at, search,
                      tool_count, mcp_maker, data)
  select r->>'id', r->>'name', r->>'platform', r->>'lifecycle', r->>'publish_status', r->>'created_by',
         array(select jsonb_array_elements_text(r->'owners')), (r->>'last_modified_at')::timestamptz, r->>'search',
         (r->>'tool_count')::int, (r->>'mcp_maker')::boolean, r->'data'
  from jsonb_array_elements($1::jsonb) as r
  on conflict (id) do update set
    name = excluded.name, platform = excluded.platform, lifecycle = excluded.lifecycle,
    publish_status = excluded.publish_status, created_by = excluded.created_by, owners = excluded.owners,
    last_modified_at = excluded.last_modified_at, search = excluded.search, tool_count = excluded.tool_count,
    mcp_maker = excluded.mcp_maker, data = excluded.data`;

interface AgentSortOrder {
  key: string;
  dir: 'asc' | 'desc';
  cursorKey: (r: AgentListRow) => string | number;
  /** What the cursor's key must be, and the SQL type it is compared as. */
  cursorKind: CursorKeyKind;
  cast: string;
}

const SORTS: Record<AgentSort, AgentSortOrder> = {
  risk: { key: 'risk_score', dir: 'desc', cursorKey: (r) => r.risk_score, cursorKind: 'integer', cast: 'bigint' },
  name: { key: 'lower(name)', dir: 'asc', cursorKey: (r) => r.name.toLowerCase(), cursorKind: 'text', cast: 'text' },
  modified: {
    key: 'last_modified_at',
    dir: 'desc',
    cursorKey: (r) => new Date(r.last_modified_at).toISOString(),
    cursorKind: 'timestamp',
    cast: 'timestamptz',
  },
};

export class AgentRepository {
  constructor(private readonly db: Sql) {}

  async upsert(agents: Agent[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < agents.length; i += 1000) {
      await q.query(UPSERT, [JSON.stringify(agents.slice(i, i + 1000).map(agentColumns))]);
    }
  }

  async get(id: string, q: Sql = this.db): Promise<Agent | null> {
    const rows = await q.query<{ data: Agent }>('select data from agents where id = $1', [id]);
    return rows[0]?.data ?? null;
  }

  /** Reads the agent and locks its row until the transaction ends, so concurrent actions take turns. */
  /** The named agents, their rows locked in id order (the order the lock is taken in, as pageForUpdate's). */
  async manyForUpdate(tx: Sql, ids: string[]): Promise<Agent[]> {
    const rows = await tx.query<{ data: Agent }>(
      'select data from agents where id = any($1::text[]) order by id for update',
      [ids],
    );
    return rows.map((r) => r.data);
  }

  async getForUpdate(tx: Sql, id: string): Promise<Agent | null> {
    const rows = await tx.query<{ data: Agent }>('select data from agents where id = $1 for update', [id]);
    return rows[0]?.data ?? null;
  }

  async findByName(name: string, q: Sql = this.db): Promise<Agent | null> {
    const rows = await q.query<{ data: Agent }>(
      `select data from agents where lower(name) = lower($1)
       union all (select data from agents where search like '%' || lower($1) || '%' order by risk_score desc limit 1)
       limit 1`,
      [name],
    );
    return rows[0]?.data ?? null;
  }

  /**
   * The one agent the name designates: a case-insensitive exact match, else the only agent whose name contains
   * it; null when none or several match (the bot's `agent <name>`). findByName instead takes the riskiest.
   */
  async findOneByName(name: string, q: Sql = this.db): Promise<Agent | null> {
    const wanted = name.trim();
    if (!wanted) return null;
    const exact = await q.query<{ data: Agent }>(
      'select data from agents where lower(name) = lower($1) order by id limit 2',
      [wanted],
    );
    if (exact.length > 0) return exact.length === 1 ? exact[0]!.data : null;
    const pattern = `%${wanted.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
    const partial = await q.query<{ data: Agent }>(
      'select data from agents where lower(name) like $1 order by id limit 2',
      [pattern],
    );
    return partial.length === 1 ? partial[0]!.data : null;
  }

  async getRisk(id: string, q: Sql = this.db): Promise<AgentRisk | null> {
    const rows = await q.query<{ risk: AgentRisk }>('select risk from agents where id = $1', [id]);
    return rows[0]?.risk ?? null;
  }

  /**
   * Every agent in id order, read a page at a time: one result of 100,000 agents (180 MB of JSON)
   * aborts PGlite's WebAssembly heap, and holds a PostgreSQL connection's buffer as long.
   */
  async all(q: Sql = this.db): Promise<Agent[]> {
    const agents: Agent[] = [];
    for (;;) {
      const after = agents.length ? agents[agents.length - 1]!.id : '';
      const rows = await q.query<{ data: Agent }>('select data from agents where id > $1 order by id limit $2', [
        after,
        READ_PAGE,
      ]);
      for (const r of rows) agents.push(r.data);
      if (rows.length < READ_PAGE) return agents;
    }
  }

  /**
   * Every agent's record as JSON text, in id order, a page at a time: for a thread that parses them itself (the
   * hunting tables' builder), so the request thread never holds 100,000 agents as objects.
   */
  async *textPages(q: Sql = this.db): AsyncGenerator<string[]> {
    let after = '';
    for (;;) {
      const rows = await q.query<{ id: string; data: string }>(
        'select id, data::text as data from agents where id > $1 order by id limit $2',
        [after, TEXT_PAGE],
      );
      if (rows.length > 0) yield rows.map((r) => r.data);
      const last = rows[rows.length - 1];
      if (!last || rows.length < TEXT_PAGE) return;
      after = last.id;
    }
  }

  /**
   * What the hunting tables other than the agents' own need of every agent (names for the runtime tables,
   * CloudAppEvents' last interactions), in id order, without reading whole records.
   */
  async summaries(q: Sql = this.db): Promise<AgentSummary[]> {
    const out: AgentSummary[] = [];
    for (;;) {
      const after = out.length ? out[out.length - 1]!.id : '';
      const rows = await q.query<AgentSummary>(
        `select id, data->>'name' as name, data->>'platform' as platform, data->>'environmentId' as "environmentId",
                data->>'lastActivityAt' as "lastActivityAt"
         from agents where id > $1 order by id limit $2`,
        [after, SUMMARY_PAGE],
      );
      out.push(...rows);
      if (rows.length < SUMMARY_PAGE) return out;
    }
  }

  /**
   * The `limit` agents after `afterId` in id order, locked until the transaction ends: walks the whole
   * tenant in bounded batches while changes to those agents wait their turn.
   */
  async pageForUpdate(tx: Sql, afterId: string, limit: number): Promise<Agent[]> {
    const rows = await tx.query<{ data: Agent }>(
      'select data from agents where id > $1 order by id limit $2 for update',
      [afterId, limit],
    );
    return rows.map((r) => r.data);
  }

  /**
   * The planner's estimate of how many agents there are (kept by ANALYZE; 0 before the first): no scan, where
   * count(*) read every agent and held PGlite's one connection for it.
   */
  async estimatedCount(q: Sql = this.db): Promise<number> {
    const rows = await q.query<{ n: number }>(
      `select greatest(reltuples, 0)::float8 as n from pg_class where oid = 'agents'::regclass`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async count(q: Sql = this.db): Promise<number> {
    const rows = await q.query<{ n: number }>('select count(*)::int as n from agents');
    return rows[0]?.n ?? 0;
  }

  async setRisks(risks: { id: string; risk: AgentRisk }[], q: Sql = this.db): Promise<void> {
    for (let i = 0; i < risks.length; i += 2000) {
      await q.query(
        `update agents a set risk_score = (r->'risk'->>'score')::int, risk_level = r->'risk'->>'level', risk = r->'risk'
         from jsonb_array_elements($1::jsonb) as r where a.id = r->>'id' and a.risk is distinct from r->'risk'`,
        [JSON.stringify(risks.slice(i, i + 2000))],
      );
    }
  }

  /** A page of agents; the first page (no cursor) also counts every agent that matches the filters. */
  async list(
    filter: AgentListFilter,
    q: Sql = this.db,
  ): Promise<{ rows: AgentListRow[]; nextCursor: string | null; total?: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (filter.search) where.push(`search like ${p(`%${filter.search.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`)}`);
    if (filter.riskLevels?.length) where.push(`risk_level = any(${p(filter.riskLevels)})`);
    if (filter.platforms?.length) where.push(`platform = any(${p(filter.platforms)})`);
    if (filter.lifecycles?.length) where.push(`lifecycle = any(${p(filter.lifecycles)})`);
    if (filter.mcpOnMakerCredentials !== undefined) where.push(`mcp_maker = ${p(filter.mcpOnMakerCredentials)}`);
    const filterParams = [...params];
    const filterWhere = where.length ? `where ${where.join(' and ')}` : '';
    const sort = SORTS[filter.sort];
    const after = decodeCursor(filter.cursor, sort.cursorKind);
    if (after) {
      const cmp = sort.dir === 'desc' ? '<' : '>';
      where.push(`(${sort.key}, id) ${cmp} (${p(after.key)}::${sort.cast}, ${p(after.id)})`);
    }
    const rows = await q.query<AgentListRow>(
      `select id, name, platform, lifecycle, publish_status, created_by, owners, risk_score, risk_level,
              coalesce((select jsonb_agg(jsonb_build_object('id', s->'id', 'severity', s->'severity', 'title', s->'title'))
                        from jsonb_array_elements(risk->'signals') s), '[]'::jsonb) as signals,
              tool_count, mcp_maker, last_modified_at
       from agents ${where.length ? `where ${where.join(' and ')}` : ''}
       order by ${sort.key} ${sort.dir}, id ${sort.dir}
       limit ${p(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    // Counted only when there is more than this page: a short first page is its own count.
    let total: number | undefined;
    if (!after) {
      total =
        rows.length > filter.limit
          ? ((await q.query<{ n: number }>(`select count(*)::int as n from agents ${filterWhere}`, filterParams))[0]
              ?.n ?? 0)
          : page.length;
    }
    return {
      rows: page,
      ...(total === undefined ? {} : { total }),
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ key: sort.cursorKey(last), id: last.id }) : null,
    };
  }
}
