-- Each partner's own postbacks and payouts (issue 19, items 3 and 4).

-- A partner's postback endpoints: a default for all their campaigns (campaign_id null) and per-campaign
-- overrides (a campaign with endpoints of its own uses only those). Each status change of the partner's
-- leads fans out to every active endpoint that applies, next to the campaign's own postback (the
-- network's endpoint), each an independent outbox delivery (jobs.payload->>'endpoint_id').
create table postback_endpoints (
  id text primary key,
  partner_id text not null references clients (id) on delete cascade,
  campaign_id text references campaigns (id) on delete cascade,
  name text not null,
  url text not null,
  method text not null check (method in ('GET', 'POST')),
  on_labels jsonb not null,
  status_values jsonb not null,
  success_match text,
  -- Standard Webhooks secret signing its POST postbacks, encrypted like the tokens.
  signing_secret_encrypted text not null,
  -- The tracker preset it was made from, for the console (the settings are its own once saved).
  preset text,
  active boolean not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index postback_endpoints_partner on postback_endpoints (partner_id, campaign_id);

-- A partner's payout on one of its campaigns overrides the campaign's: per label, in minor units of
-- `payout_currency` (null: the campaign's currency), optionally per country ({"RU": {"accepted": 1500}}).
alter table client_campaigns
  add column payouts jsonb,
  add column payouts_by_country jsonb,
  add column payout_currency text;

-- The payout in force when the status changed, recorded with the change: editing a rate later never
-- rewrites what was paid or posted back. Null: no payout for that label (or a change recorded before).
alter table lead_status_history
  add column payout_minor bigint,
  add column payout_currency text;

-- The delivery log of one endpoint.
create index jobs_postback_endpoint on jobs ((payload->>'endpoint_id'), created_at)
  where kind = 'postback' and payload ? 'endpoint_id';
