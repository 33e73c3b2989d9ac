-- Status history per lead, postback delivery attempts, and the per-campaign postback signing secret.

alter table leads add column status_changed_at timestamptz;

-- One row per real status change; the unique key is how a repeated or replayed webhook becomes a no-op.
create table lead_status_history (
  id bigserial primary key,
  lead_id text not null references leads (id),
  status_id text not null,
  label text,
  comment text,
  source text not null check (source in ('created', 'webhook', 'reconcile', 'advertiser')),
  changed_at timestamptz not null,
  recorded_at timestamptz not null,
  unique (lead_id, status_id, changed_at)
);
create index lead_status_history_lead on lead_status_history (lead_id, changed_at);

-- Every try of every postback job, kept after success: the console and the audit need them.
create table delivery_attempts (
  id bigserial primary key,
  job_id text not null references jobs (id),
  attempt integer not null,
  at timestamptz not null,
  method text not null,
  url text not null,
  http_status integer,
  latency_ms integer,
  response_head text,
  error text
);
create index delivery_attempts_job on delivery_attempts (job_id, attempt);

alter table campaigns add column postback_secret_encrypted text;

create index jobs_kind_state on jobs (kind, state, created_at);
create index leads_campaign_click on leads (campaign_id, click_id);
