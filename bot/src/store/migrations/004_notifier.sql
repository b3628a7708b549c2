-- The notifier's bookkeeping (bot/src/teams/notifier): which card is being sent where, by whom, and what it
-- last showed, so a retry, a second instance or a restart neither loses nor repeats a post.

-- card_posts.state: 'pending' (claimed, nothing sent), 'sending' (a new post may be in flight: written just
-- before the request), 'posted' (activity_id known), 'failed' (Teams refused it for good, see last_error).
alter table card_posts add column lease_owner text;
alter table card_posts add column lease_until timestamptz;
alter table card_posts add column content_hash text;
-- Alerts already in the card when it was posted or announced in its thread: later ones get a thread reply.
alter table card_posts add column announced_alert_ids text[] not null default '{}';
alter table card_posts add column announced_alert_count int not null default 0;
-- Set while a thread reply is in flight; a crash leaves it set, and the reply is then not repeated.
alter table card_posts add column reply_in_flight text[];
-- The post was repeated after a send whose outcome was unknown (crash between send and record).
alter table card_posts add column reposted boolean not null default false;
alter table card_posts add column send_count int not null default 0;
alter table card_posts add column last_error text;

-- Who is in the channel, as the notifier last read the roster: the cards' refresh userIds (at most 60).
alter table channels add column member_ids text[];
alter table channels add column members_seen_at timestamptz;

-- One personal message to a maker per outbox message: sent, or why not.
create table maker_notices (
  outbox_seq bigint primary key,
  recipient text not null,
  message text not null,
  -- 'pending' | 'sending' | 'sent' | 'noPersonalChat' | 'failed'
  state text not null default 'pending',
  activity_id text,
  reason text,
  resent boolean not null default false,
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index maker_notices_by_recipient on maker_notices (recipient, created_at desc);
