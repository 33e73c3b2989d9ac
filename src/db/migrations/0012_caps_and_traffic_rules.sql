-- Caps and traffic rules (issue 19, items 5 and 6): per-campaign and per-(partner, campaign) caps, the
-- campaign's time zone for daily caps, allowed countries, the scope of the phone dedupe, and a
-- duplicate-IP window; and the counters the caps are taken from.
alter table campaigns
  add column timezone text not null default 'UTC',
  add column daily_cap integer check (daily_cap >= 0),
  add column total_cap integer check (total_cap >= 0),
  add column countries text[],
  add column dedupe_scope text not null default 'campaign' check (dedupe_scope in ('campaign', 'connection')),
  add column duplicate_ip_window_hours integer check (duplicate_ip_window_hours >= 0);

alter table client_campaigns
  add column daily_cap integer check (daily_cap >= 0),
  add column total_cap integer check (total_cap >= 0);

-- The counts the caps are taken from: one row per capped campaign, holding the campaign's day and total
-- counts and each partner's (`partners`: {"<partner id>": {"day", "day_used", "total_used"}}), so that a
-- lead takes every cap it is under (campaign and partner, daily and total) with one row lock, all or
-- nothing; with a row per cap, one statement could take the daily slot and then find the total spent.
-- `day` is the local date (YYYY-MM-DD, in the campaign's time zone) `day_used` counts; a lead on a later
-- day starts it again from 0. The lead and its slot are written by one statement (src/leads/store-lead.ts),
-- so a lead that is not stored (a duplicate, a statement rolled back) never holds one. Limits are not
-- stored: they are the configuration's when a lead is taken. A row is (re)built from the leads table
-- (src/db/sql/open-cap-counter.ts) when it is missing, and dropped when a campaign's caps, time zone or a
-- partner's caps on it change. `last_granted` reports the latest take (RETURNING shows only the new row).
-- Logged (unlike rate_limit_windows): after a crash the counts must still hold what was sent.
create table cap_counters (
  campaign_id text primary key references campaigns (id) on delete cascade,
  day text not null,
  day_used integer not null check (day_used >= 0),
  total_used integer not null check (total_used >= 0),
  partners jsonb not null default '{}',
  last_granted boolean not null default false
);

-- The duplicate-IP rule looks up the newest lead of a campaign from one address (store-lead.ts).
create index leads_campaign_ip on leads (campaign_id, ip, created_at) where ip is not null;
