-- Agent Warden's store. Domain records are kept whole in `data` (jsonb, ISO-8601 times);
-- the columns beside them are what queries filter, sort and join on.

create sequence change_seq;

create table users (
  id text primary key,
  upn text not null unique,
  data jsonb not null
);

create table agents (
  id text primary key,
  name text not null,
  platform text not null,
  lifecycle text not null,
  publish_status text not null,
  created_by text not null,
  owners text[] not null,
  last_modified_at timestamptz not null,
  search text not null,
  tool_count int not null,
  mcp_maker boolean not null,
  risk_score int not null default 0,
  risk_level text not null default 'none',
  risk jsonb not null default '{"score":0,"level":"none","signals":[]}',
  data jsonb not null
);
create index agents_by_risk on agents (risk_score desc, id);
create index agents_by_name on agents (lower(name), id);
create index agents_by_modified on agents (last_modified_at desc, id);

create table agent_snapshots (
  agent_id text not null references agents (id),
  taken_at timestamptz not null,
  data jsonb not null,
  primary key (agent_id, taken_at)
);

create table incidents (
  id text primary key,
  severity_rank int not null,
  status text not null,
  assigned_to text,
  last_activity_at timestamptz not null,
  user_ids text[] not null default '{}',
  agent_ids text[] not null default '{}',
  data jsonb not null
);
create index incidents_by_activity on incidents (last_activity_at desc, id);

create table alerts (
  id text primary key,
  incident_id text references incidents (id),
  dedup_key text not null,
  status text not null,
  severity_rank int not null,
  last_activity_at timestamptz not null,
  user_ids text[] not null default '{}',
  agent_ids text[] not null default '{}',
  data jsonb not null
);
create index alerts_by_incident on alerts (incident_id);
create index alerts_open_by_dedup on alerts (dedup_key) where status <> 'resolved';
create index alerts_by_agent on alerts using gin (agent_ids);
create index alerts_by_user on alerts using gin (user_ids);

create table events (
  id text primary key,
  occurred_at timestamptz not null,
  user_id text,
  agent_id text,
  tool_id text,
  decision text not null,
  data jsonb not null
);
create index events_by_user_agent on events (user_id, agent_id, occurred_at);
create index events_by_user_tool on events (user_id, tool_id, occurred_at);

create table alert_events (
  alert_id text not null references alerts (id),
  event_id text not null references events (id),
  primary key (alert_id, event_id)
);

create table submissions (
  id text primary key,
  agent_id text not null references agents (id),
  status text not null,
  submitted_at timestamptz not null,
  data jsonb not null
);
create index submissions_by_status on submissions (status, submitted_at desc);

create table audit (
  seq bigserial primary key,
  id text not null unique,
  at timestamptz not null,
  actor text not null,
  action text not null,
  target_type text not null,
  target_id text not null,
  outcome text not null,
  data jsonb not null
);
create index audit_by_target on audit (target_type, target_id, seq);

-- One row per idempotency key: the first request inserts it, a retry reads its result.
create table idempotency (
  key text primary key,
  action text not null,
  result jsonb,
  created_at timestamptz not null default now()
);

-- Written in the same transaction as the change it announces; consumed by the notifier.
create table outbox (
  seq bigserial primary key,
  topic text not null,
  subject_id text not null,
  payload jsonb not null default '{}',
  created_at timestamptz not null default now(),
  available_at timestamptz not null default now(),
  attempts int not null default 0,
  claimed_by text,
  claimed_until timestamptz,
  done_at timestamptz,
  last_error text
);
create index outbox_pending on outbox (available_at, seq) where done_at is null;

create table channels (
  conversation_id text primary key,
  team_id text,
  team_name text,
  channel_name text,
  service_url text not null,
  reference jsonb not null,
  min_severity text not null default 'high',
  receives_approvals boolean not null default true,
  active boolean not null default true,
  inactive_reason text,
  last_post_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Which message shows which incident or submission in which channel, so updates edit it in place.
create table card_posts (
  subject_type text not null,
  subject_id text not null,
  conversation_id text not null references channels (conversation_id),
  activity_id text,
  state text not null default 'sending',
  posted_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (subject_type, subject_id, conversation_id)
);

create table meta (
  key text primary key,
  value jsonb not null
);
