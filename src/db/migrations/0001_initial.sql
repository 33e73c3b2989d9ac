-- Campaigns, API clients, leads, the durable job queue and the append-only audit log.

create table campaigns (
  id text primary key,
  alias text not null unique,
  name text not null,
  module text not null check (module in ('crm', 'cpa')),
  sr_base_url text not null,
  sr_company_id text not null,
  -- AES-256-GCM ciphertext (see src/campaigns/token-cipher.ts); the plain token never reaches the database.
  sr_token_encrypted text not null,
  sr_project_id text,
  sr_initial_status_id text,
  sr_offer_id text,
  sr_webmaster_id text,
  cart jsonb not null default '[]',
  fields jsonb not null,
  status_map jsonb not null default '{}',
  advertiser_status_map jsonb,
  payouts jsonb not null default '{}',
  currency text not null default 'USD',
  postback jsonb,
  default_country text,
  dedupe_window_hours integer not null default 24,
  webhook_secret text not null unique,
  active boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- Partners (media buyers) and advertisers: API clients scoped to a set of campaigns.
create table clients (
  id text primary key,
  kind text not null check (kind in ('partner', 'advertiser')),
  name text not null,
  created_at timestamptz not null
);

create table client_campaigns (
  client_id text not null references clients (id) on delete cascade,
  campaign_id text not null references campaigns (id) on delete cascade,
  primary key (client_id, campaign_id)
);

-- Keys are random 192-bit strings, so a plain SHA-256 is a sufficient (and constant-cost) hash.
create table api_keys (
  id text primary key,
  client_id text not null references clients (id) on delete cascade,
  key_hash text not null unique,
  key_prefix text not null,
  created_at timestamptz not null,
  revoked_at timestamptz
);

create table leads (
  id text primary key,
  campaign_id text not null references campaigns (id),
  partner_id text references clients (id),
  state text not null check (state in ('queued', 'created', 'rejected', 'failed')),
  click_id text,
  idempotency_key text,
  phone text not null,
  name text,
  country text,
  ip text,
  user_agent text,
  subs jsonb not null default '{}',
  extras jsonb not null default '{}',
  order_id text,
  status_id text,
  label text,
  comment text,
  error_code text,
  error_message text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
-- A lead SalesRender rejected does not hold its click id: the buyer may fix and resend it.
create unique index leads_campaign_click_id on leads (campaign_id, click_id)
  where click_id is not null and state <> 'rejected';
create unique index leads_partner_idempotency_key on leads (partner_id, idempotency_key)
  where idempotency_key is not null;
create index leads_campaign_phone on leads (campaign_id, phone, created_at);
create unique index leads_campaign_order on leads (campaign_id, order_id) where order_id is not null;

-- The durable queue: order creation retries now, postbacks and advertiser updates later.
create table jobs (
  id text primary key,
  kind text not null,
  campaign_id text references campaigns (id),
  lead_id text references leads (id),
  payload jsonb not null default '{}',
  state text not null check (state in ('pending', 'running', 'done', 'failed')),
  attempts integer not null default 0,
  max_attempts integer not null,
  next_attempt_at timestamptz not null,
  locked_until timestamptz,
  locked_by text,
  last_error text,
  last_http_status integer,
  dedupe_key text unique,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz
);
create index jobs_runnable on jobs (next_attempt_at) where state = 'pending';
create index jobs_leased on jobs (locked_until) where state = 'running';

create table audit_log (
  id bigserial primary key,
  at timestamptz not null,
  request_id text,
  campaign_id text,
  lead_id text,
  order_id text,
  actor text,
  event text not null,
  outcome text,
  http_status integer,
  latency_ms integer,
  detail jsonb not null default '{}'
);
create index audit_log_campaign_at on audit_log (campaign_id, at);
create index audit_log_at on audit_log (at);
create index audit_log_lead on audit_log (lead_id) where lead_id is not null;

-- Append-only: the audit log is evidence, so the database itself refuses to rewrite it.
create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log is append-only';
end;
$$;
create trigger audit_log_append_only before update or delete on audit_log
  for each row execute function audit_log_is_append_only();
