-- Fewer index entries per lead on the intake's two writes (the lead; its created order), with the same
-- rules. Figures: bench/README.md, "PostgreSQL's work per lead" (`npm run bench:pg-work`).

-- One index serves both the click-id rule (one live lead per campaign and click id; a rejected lead frees
-- its click id for a resend) and the reads by click id that include rejected leads (a buyer's status
-- read, the console's search): each lead is written into it at its insert and at its order's update, so
-- a second index would double that. `click_id_held` is true while the lead holds its click id and null
-- once rejected: live leads collide, rejected ones never do (nulls are distinct). It is a stored column,
-- not an expression on `state`, so that a change between live states leaves the entry's columns as they
-- were. Reads by (campaign_id, click_id), the intake's duplicate rule among them, use the index's first
-- two columns (store-leads.ts says why the rule does not name the third).
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
