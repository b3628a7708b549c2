-- What the hunting tables are built from, and whether it changed, without reading it (issue 14, item 2): one
-- sequence per source, moved by triggers. The agent tables (AIAgentsInfo, AgentsInfo, IdentityInfo,
-- CloudAppEvents) follow agents, their snapshots and users (an agent's risk score, kept outside `data`, is not a
-- change); the runtime tables (BehaviorInfo, AlertInfo, ...) follow events and alerts. A webhook decision then
-- rebuilds the small runtime tables only, not 100,000 agents' rows.
create sequence hunting_agents_seq;
create sequence hunting_runtime_seq;

create function hunting_agents_changed() returns trigger language plpgsql as $$
begin
  perform nextval('hunting_agents_seq');
  return null;
end
$$;

create function hunting_runtime_changed() returns trigger language plpgsql as $$
begin
  perform nextval('hunting_runtime_seq');
  return null;
end
$$;

create trigger agents_hunting_rows after insert or delete on agents
  for each statement execute function hunting_agents_changed();
create trigger agents_hunting_data after update on agents
  for each row when (old.data is distinct from new.data) execute function hunting_agents_changed();
create trigger agent_snapshots_hunting after insert or update or delete on agent_snapshots
  for each statement execute function hunting_agents_changed();
create trigger users_hunting after insert or update or delete on users
  for each statement execute function hunting_agents_changed();

create trigger events_hunting after insert or update or delete on events
  for each statement execute function hunting_runtime_changed();
create trigger alerts_hunting after insert or update or delete on alerts
  for each statement execute function hunting_runtime_changed();
