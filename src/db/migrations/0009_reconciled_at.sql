-- When a reconciliation pass last re-read the lead's order from SalesRender (null: never). A lead whose
-- label is final (rejected, trash) is re-read at most once an hour, and only while this is old enough.
-- No index: a pass reads its campaign's leads by campaign_id and filters the few rows it finds.
alter table leads add column reconciled_at timestamptz;
