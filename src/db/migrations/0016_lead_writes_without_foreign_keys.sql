-- Foreign keys whose check was per-row work on the intake and guarded nothing that can happen: LeadBridge
-- never deletes a campaign, a client or a lead (a campaign is deactivated; an API key is revoked), and
-- each writer takes the ids from rows it has just read (the campaign by alias, the partner by API key,
-- the lead under its own row lock in the statement that writes its history). Each check also took a
-- KEY SHARE lock on the parent row: every concurrent lead of a campaign rewrote that one campaigns row's
-- locker (a new MultiXact, WAL-logged), and its partner's clients row the same way. The keys on jobs and
-- delivery_attempts stay: they are written per webhook and postback, not per lead.
alter table leads drop constraint leads_campaign_id_fkey;
alter table leads drop constraint leads_partner_id_fkey;
alter table lead_status_history drop constraint lead_status_history_lead_id_fkey;
