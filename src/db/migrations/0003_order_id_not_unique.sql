-- SalesRender is the authority on order ids; if it ever hands out an id we already hold (a company
-- reset, a sandbox restart), recording the order must not fail. Webhooks pick the newest lead.
drop index leads_campaign_order;
create index leads_campaign_order on leads (campaign_id, order_id) where order_id is not null;
