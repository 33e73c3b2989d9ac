-- SalesRender changes its schema without versioning (salesrender-api.md): LeadBridge keeps each
-- company's last good introspection, to fit what it sends when SalesRender cannot be introspected, and
-- the drift watch's last result, for the dashboard, the metric and `GET /admin/api/salesrender/schema`.
-- `company` is `<company_id>@<host of base_url>`; `module` is CRM or CPA (each serves its own schema).
create table salesrender_schemas (
  company text not null,
  module text not null check (module in ('CRM', 'CPA')),
  base_url text not null,
  company_id text not null,
  introspection jsonb,
  fetched_at timestamptz,
  checked_at timestamptz,
  ok boolean,
  problems jsonb not null default '[]',
  primary key (company, module)
);

-- The last check of each campaign (drift watch or `campaign check`), shown on its page.
create table campaign_checks (
  campaign_id text primary key references campaigns (id) on delete cascade,
  checked_at timestamptz not null,
  ok boolean not null,
  problems jsonb not null,
  left_out jsonb not null
);

-- A lead sent again after a create call whose outcome was unknown, where no order of ours could be
-- found: SalesRender may hold two orders for it.
alter table leads add column possible_duplicate boolean not null default false;

-- Leads held for a schema fault, counted on the dashboard and released per campaign when it is fixed.
create index leads_held_for_schema on leads (campaign_id) where state = 'queued' and error_code = 'SR_SCHEMA_FAULT';
create index leads_possible_duplicate on leads (created_at) where possible_duplicate;
