import type { ToolDefinitionVersion } from '../domain/tool-definitions.js';
import type { Sql } from './db.js';

interface ToolDefinitionRow {
  agent_id: string;
  tool_key: string;
  hash: string;
  version: number;
  definition: ToolDefinitionVersion['definition'];
  diff: ToolDefinitionVersion['diff'];
  first_seen_at: Date | string;
  event_id: string | null;
}

const COLUMNS = 'agent_id, tool_key, hash, version, definition, diff, first_seen_at, event_id';

/** The distinct definitions each agent's tools were seen with (table tool_definitions). */
export class ToolDefinitionRepository {
  constructor(private readonly db: Sql) {}

  /**
   * Records a definition not seen before for this agent and tool, numbered after the versions already
   * stored; a definition already stored (by this or another instance) is left as it is. Returns the
   * tool's versions afterwards, oldest first.
   */
  async add(v: Omit<ToolDefinitionVersion, 'version'>, q: Sql = this.db): Promise<ToolDefinitionVersion[]> {
    await q.query(
      `insert into tool_definitions (${COLUMNS})
       select $1, $2, $3,
              coalesce((select max(version) from tool_definitions where agent_id = $1 and tool_key = $2), 0) + 1,
              $4::jsonb, $5::jsonb, $6::timestamptz, $7
       on conflict (agent_id, tool_key, hash) do nothing`,
      [v.agentId, v.toolKey, v.hash, JSON.stringify(v.definition), JSON.stringify(v.diff), v.firstSeenAt, v.eventId],
    );
    return this.ofTool(v.agentId, v.toolKey, q);
  }

  async ofTool(agentId: string, toolKey: string, q: Sql = this.db): Promise<ToolDefinitionVersion[]> {
    const rows = await q.query<ToolDefinitionRow>(
      `select ${COLUMNS} from tool_definitions where agent_id = $1 and tool_key = $2 order by version, first_seen_at`,
      [agentId, toolKey],
    );
    return rows.map(fromRow);
  }

  /** An agent's tool definition history: per tool, oldest first. */
  async ofAgent(agentId: string, q: Sql = this.db): Promise<ToolDefinitionVersion[]> {
    const rows = await q.query<ToolDefinitionRow>(
      `select ${COLUMNS} from tool_definitions where agent_id = $1 order by tool_key, version, first_seen_at`,
      [agentId],
    );
    return rows.map(fromRow);
  }

  /** How many tools of the agent have a stored definition. */
  async toolCount(agentId: string, q: Sql = this.db): Promise<number> {
    const [row] = await q.query<{ n: number | string }>(
      'select count(distinct tool_key) as n from tool_definitions where agent_id = $1',
      [agentId],
    );
    return Number(row?.n ?? 0);
  }
}

function fromRow(r: ToolDefinitionRow): ToolDefinitionVersion {
  return {
    agentId: r.agent_id,
    toolKey: r.tool_key,
    hash: r.hash,
    version: r.version,
    definition: r.definition,
    diff: r.diff,
    firstSeenAt: new Date(r.first_seen_at).toISOString(),
    eventId: r.event_id,
  };
}
