-- A postback that must not be sent is recorded, not dropped:
-- `skipped`: no tracker could take it (a lead without the click id its URL needs; a retry would not help);
-- `superseded`: a newer status change of the same lead was queued before it was delivered, and sending
-- the older one late would move the tracker's conversion back (a `lead` after the `sale`).
alter table jobs drop constraint jobs_state_check;
alter table jobs add constraint jobs_state_check
  check (state in ('pending', 'running', 'done', 'failed', 'skipped', 'superseded'));
-- A lead's postbacks: superseded together, checked before each send, listed on its page and API answer.
create index jobs_lead_postbacks on jobs (lead_id, created_at) where kind = 'postback';
