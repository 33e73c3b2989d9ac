-- The intake's first SalesRender attempt runs inline, leased on the lead itself instead of a job row:
-- a lead stays 'queued' with `inline_lease_until` set while that attempt is in flight. Success clears it
-- with the order id; a failure hands the lead to a create_order job and clears it. A lead still queued
-- with an expired lease belongs to a process that died mid-attempt: the worker's sweep gives it a job.
-- (Writing a job row per lead only to complete it a moment later was a quarter of the intake's cost.)
alter table leads add column inline_lease_until timestamptz;
create index leads_inline_lease on leads (inline_lease_until)
  where state = 'queued' and inline_lease_until is not null;
