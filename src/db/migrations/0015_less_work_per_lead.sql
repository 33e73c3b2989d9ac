-- Less PostgreSQL work per lead on the intake's two writes (the lead; its created order), with the same
-- guarantees. Figures: bench/README.md, "PostgreSQL's work per lead" (`npm run bench:pg-work`).

-- One index serves both the click-id rule (one live lead per campaign and click id; a rejected lead frees
-- its click id for a resend) and the reads by click id that include rejected leads (a buyer's status
-- read, the console's search): each lead is written into it at its insert and at its order's update, so
-- a second index would double that. `click_id_held` is true while the lead holds its click id and null
-- once rejected: live leads collide, rejected ones never do (nulls are distinct). It is a stored column,
-- not an expression on `state`, so that a change between live states leaves the entry's columns as they
-- were. Reads by (campaign_id, click_id) use the index's first two columns.
alter table leads add column click_id_held boolean generated always as (nullif(state <> 'rejected', false)) stored;
create unique index leads_campaign_click_held on leads (campaign_id, click_id, click_id_held)
  where click_id is not null;
drop index leads_campaign_click_id;
drop index leads_campaign_click;
alter index leads_campaign_click_held rename to leads_campaign_click_id;

-- A lead's history is read by lead in time order (lead-status.ts, recorded-payouts.ts): the unique key
-- that makes a replayed webhook a no-op, with its columns in that order, serves those reads, so each
-- history row has one index entry besides its id. ON CONFLICT DO NOTHING finds the key by its columns.
alter table lead_status_history add constraint lead_status_history_lead_changed_status
  unique (lead_id, changed_at, status_id);
alter table lead_status_history drop constraint lead_status_history_lead_id_status_id_changed_at_key;
drop index lead_status_history_lead;

-- Foreign keys whose check was per-row cost on the intake and guarded nothing that can happen: LeadBridge
-- never deletes a campaign, a client or a lead (a campaign is deactivated; an API key is revoked), and
-- each writer takes the ids from rows it has just read (the campaign by alias, the partner by API key,
-- the lead under its own row lock in the statement that writes its history). Each check also took a
-- KEY SHARE lock on the parent row, i.e. every concurrent lead of a campaign rewrote that one campaigns
-- row's locker (a new MultiXact, WAL-logged) and its partner's clients row the same way. The keys on
-- jobs and delivery_attempts stay: they are written per webhook and postback, not per lead.
alter table leads drop constraint leads_campaign_id_fkey;
alter table leads drop constraint leads_partner_id_fkey;
alter table lead_status_history drop constraint lead_status_history_lead_id_fkey;

-- The audit log by time as a BRIN index: the log is append-only, so its rows lie in the order of `at`
-- and a block range's minimum and maximum find a period (the dashboard's SalesRender health, exports by
-- period) in a few ranges. A btree took an entry per audit row, four per lead. autosummarize has
-- autovacuum summarize each range once filled (README: keep autovacuum on); the ranges written since the
-- last summary are read whole, which is only the newest.
drop index audit_log_at;
create index audit_log_at on audit_log using brin (at) with (autosummarize = on);

-- A lead's timeline (the console) also shows the rows its requests wrote before the lead was known: the
-- raw request of its submission, a webhook's receipt. Those rows have no lead and are found by request
-- id; only they are indexed (one or two per lead), so a timeline reads a few index entries instead of
-- the whole log.
create index audit_log_request_without_lead on audit_log (request_id)
  where lead_id is null and request_id is not null;
