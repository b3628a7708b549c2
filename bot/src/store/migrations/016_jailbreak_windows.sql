-- Persistent-jailbreak windows shared by every instance on one database (bot/src/protection/
-- persistent-jailbreak-shared.ts): the flagged prompts of the last window per (user, agent), and the
-- raised window, claimed by one conditional upsert so that exactly one instance raises its alert.
create table jailbreak_flags (
  user_id text not null,
  agent_id text not null,
  at timestamptz not null,
  event_id text not null,
  primary key (user_id, agent_id, at, event_id)
);
create index jailbreak_flags_at on jailbreak_flags (at);

create table jailbreak_windows (
  user_id text not null,
  agent_id text not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  flagged int not null,
  primary key (user_id, agent_id)
);
create index jailbreak_windows_end on jailbreak_windows (window_end);
