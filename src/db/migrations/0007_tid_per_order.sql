-- `{tid}` is one value per order from this migration on: trackers (Keitaro, Orbitra) key a conversion on
-- (click id, tid), and a new tid per status change counted one order as several sales. A lead that
-- already had a postback keeps the per-label value for the rest of its life: its tracker holds
-- conversions under it, and a new tid would add one more.
alter table leads add column tid_per_label boolean not null default false;
update leads set tid_per_label = true
  where exists (select 1 from jobs where jobs.kind = 'postback' and jobs.lead_id = leads.id);
