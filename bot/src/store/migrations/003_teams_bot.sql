-- The SOC bot's own records (bot/src/teams/store): what a registered conversation is, who registered it
-- and when it stopped, and the personal chats the bot may write makers in.

alter table channels add column conversation_type text not null default 'channel';
alter table channels add column tenant_id text;
alter table channels add column registered_by text;
alter table channels add column registered_at timestamptz;
alter table channels add column deactivated_at timestamptz;
update channels set registered_at = created_at where registered_at is null;

-- One row per person who talked to the bot in personal chat: the reference to write them there later.
create table personal_chats (
  aad_object_id text primary key,
  -- The Agent Warden user (users.id) and UPN when the person is known; null for strangers.
  user_id text,
  upn text,
  conversation_id text not null,
  reference jsonb not null,
  updated_at timestamptz not null default now()
);
create index personal_chats_by_user on personal_chats (user_id);
create index personal_chats_by_upn on personal_chats (upn);
