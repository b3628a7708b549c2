-- The agent tables' packed columns outlive a restart (hunting/table-cache.ts): a directory under DATA_DIR named by
-- the agent part's version (hunting_agents_seq) and a token this table keeps for that version. A token the database
-- does not hold (another database, a restored copy, a database made again) leaves the files unused.
create table hunting_table_tokens (
  part text not null,
  version float8 not null,
  token text not null,
  primary key (part, version)
);

-- A version now moves when the change commits, not when its statement runs: a sequence is not transactional, so a
-- trigger that moved it mid-transaction let a build read the new version with the old rows, and that build, kept on
-- disk, would have answered with the old rows until the next change. Deferred constraint triggers run at commit.
drop trigger agents_hunting_rows on agents;
drop trigger agents_hunting_data on agents;
drop trigger agent_snapshots_hunting on agent_snapshots;
drop trigger users_hunting on users;

create constraint trigger agents_hunting_rows after insert or delete on agents
  deferrable initially deferred for each row execute function hunting_agents_changed();
create constraint trigger agents_hunting_data after update on agents
  deferrable initially deferred for each row when (old.data is distinct from new.data)
  execute function hunting_agents_changed();
create constraint trigger agent_snapshots_hunting after insert or update or delete on agent_snapshots
  deferrable initially deferred for each row execute function hunting_agents_changed();
-- A directory sync writes every account again: only an account that changed moves the version.
create constraint trigger users_hunting after insert or delete on users
  deferrable initially deferred for each row execute function hunting_agents_changed();
create constraint trigger users_hunting_data after update on users
  deferrable initially deferred for each row when (old.data is distinct from new.data or old.upn is distinct from new.upn)
  execute function hunting_agents_changed();
