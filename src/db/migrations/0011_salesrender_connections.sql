-- A SalesRender company is connected once and shared by its campaigns: its CRM token, and one webhook URL
-- (SalesRender's webhook belongs to the company, so every order of the company reaches it).
-- A connection is identified by base URL + company id, as `salesrender_schemas` already keys companies.
create table salesrender_connections (
  id text primary key,
  name text not null,
  base_url text not null,
  company_id text not null,
  -- The CRM API token (AES-GCM, like the campaigns' tokens). Null for a company reached only through
  -- CPA campaigns, whose webmaster tokens stay on the campaign.
  token_encrypted text,
  webhook_secret text not null unique,
  -- What the last `connection check` read of the company, shown to help map statuses and fields.
  statuses jsonb,
  order_fields jsonb,
  fetched_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (base_url, company_id),
  -- The target of the campaigns' composite key below.
  unique (id, base_url, company_id)
);

-- Every existing company becomes a connection. Its token is that of the company's most recently updated
-- CRM campaign; the other campaigns keep theirs as a campaign-level override until the service's first
-- start compares the decrypted tokens (src/connections/settle-migrated-tokens.ts) and clears the equal ones.
insert into salesrender_connections
  (id, name, base_url, company_id, token_encrypted, webhook_secret, created_at, updated_at)
select
  'con_' || replace(gen_random_uuid()::text, '-', ''),
  'Company ' || company.sr_company_id || ' at ' || regexp_replace(company.sr_base_url, '^https?://([^/]+).*$', '\1'),
  company.sr_base_url,
  company.sr_company_id,
  (select token.sr_token_encrypted from campaigns token
    where token.sr_base_url = company.sr_base_url and token.sr_company_id = company.sr_company_id
      and token.module = 'crm'
    order by token.updated_at desc, token.id desc limit 1),
  -- 2 x 122 random bits from the server's CSPRNG, as 64 hex characters: the URL's only authentication.
  replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  now(),
  now()
from (select distinct sr_base_url, sr_company_id from campaigns) company;

alter table campaigns add column connection_id text;
update campaigns set connection_id = connection.id
from salesrender_connections connection
where connection.base_url = campaigns.sr_base_url and connection.company_id = campaigns.sr_company_id;
alter table campaigns alter column connection_id set not null;

-- The campaign keeps its company's base URL and id as columns (every query that groups by company reads
-- them); the composite key keeps them equal to its connection's, and follows the connection when it moves.
alter table campaigns add constraint campaigns_connection foreign key (connection_id, sr_base_url, sr_company_id)
  references salesrender_connections (id, base_url, company_id) on update cascade;
create index campaigns_connection_id on campaigns (connection_id);

-- CRM campaigns: the token is now an override of the connection's (null: the connection's is used).
-- CPA campaigns: it stays the webmaster's token, which is always the campaign's own.
alter table campaigns alter column sr_token_encrypted drop not null;
update campaigns set sr_token_encrypted = null
from salesrender_connections connection
where campaigns.connection_id = connection.id and campaigns.module = 'crm'
  and campaigns.sr_token_encrypted = connection.token_encrypted;
