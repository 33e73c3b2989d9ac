-- A lead's timeline (the console) also shows the rows its requests wrote before the lead was known: the
-- raw request of its submission, a webhook's receipt. Those rows have no lead and are found by request
-- id; only they are indexed (one or two per lead), so a timeline reads a few index entries instead of
-- the whole log.
create index audit_log_request_without_lead on audit_log (request_id)
  where lead_id is null and request_id is not null;
