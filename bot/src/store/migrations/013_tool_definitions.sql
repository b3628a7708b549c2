-- Every distinct definition (name, description, parameters) a tool was seen with, per agent, from the
-- threat-detection webhook: the first one is the baseline the rug-pull rule compares later calls with.
create table tool_definitions (
  agent_id text not null,
  -- toolDefinition.id, or the tool's name when the call carries no id
  tool_key text not null,
  -- SHA-256 of the canonical definition (bot/src/protection/tool-definition.ts)
  hash text not null,
  -- 1 for the first definition seen, then in order of first sighting
  version int not null,
  definition jsonb not null,
  -- changes from the previous version (empty for the first): [{field, kind, before, after}]
  diff jsonb not null default '[]',
  first_seen_at timestamptz not null,
  -- the webhook decision that first carried it
  event_id text,
  primary key (agent_id, tool_key, hash)
);
create index tool_definitions_agent on tool_definitions (agent_id, tool_key, version);
