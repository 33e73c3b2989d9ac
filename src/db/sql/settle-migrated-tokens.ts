// The statements of the one-time pass after migration 0011 that moves CRM campaigns onto their connection's token.

/** The pass's own row in lb_migrations: taken in its transaction, so it runs once however many instances start. */
export const settleMigratedTokensMarker = '0011_salesrender_connections.tokens';

export const takeSettleMarkerText =
  'insert into lb_migrations (id) values ($1) on conflict do nothing returning id';

/** CRM campaigns that still carry a token of their own, with their connection's. */
export const listCampaignTokensText = `select campaign.id, campaign.alias, campaign.sr_token_encrypted as own_token,
    connection.id as connection_id, connection.token_encrypted as connection_token
  from campaigns campaign join salesrender_connections connection on connection.id = campaign.connection_id
  where campaign.module = 'crm' and campaign.sr_token_encrypted is not null
  order by campaign.alias`;

export interface CampaignTokenRow {
  id: string;
  alias: string;
  own_token: string;
  connection_id: string;
  connection_token: string | null;
}

export const clearCampaignTokenText = 'update campaigns set sr_token_encrypted = null where id = $1';

/** The pass's report, audited so the operator finds it after the start (event `connections.migrated`). */
export const auditSettledTokensText = `insert into audit_log (at, actor, event, outcome, detail)
  values (now(), 'leadbridge', 'connections.migrated', 'ok', $1::jsonb)`;
