// A campaign read with its connection's token: the column list the campaign reads select and its row mapping.
import type { campaigns } from '../schema.js';
import { jsonColumn } from './json-column.js';
import { timestampColumn } from './timestamp-column.js';

/** A `campaigns` row in drizzle's shape, with its connection's CRM token (`connection_token`). */
export type CampaignWithConnectionRow = typeof campaigns.$inferSelect & { connectionToken: string | null };

/** The select list and join every campaign read shares (`campaign` names campaigns). */
export const campaignSelectText = `select campaign.id, campaign.alias, campaign.name, campaign.module,
    campaign.sr_base_url, campaign.sr_company_id, campaign.connection_id, campaign.sr_token_encrypted,
    campaign.sr_project_id, campaign.sr_initial_status_id, campaign.sr_offer_id, campaign.sr_webmaster_id,
    campaign.cart, campaign.fields, campaign.status_map, campaign.advertiser_status_map, campaign.payouts,
    campaign.currency, campaign.postback, campaign.default_country, campaign.dedupe_window_hours,
    campaign.timezone, campaign.daily_cap, campaign.total_cap, campaign.countries, campaign.dedupe_scope,
    campaign.duplicate_ip_window_hours, campaign.webhook_secret, campaign.postback_secret_encrypted,
    campaign.active, campaign.created_at, campaign.updated_at, connection.token_encrypted as connection_token
  from campaigns as campaign
  join salesrender_connections as connection on connection.id = campaign.connection_id`;

type Row = CampaignWithConnectionRow;

/** One row of `campaignSelectText` in drizzle's shape (camelCase, jsonb parsed, Dates). */
export function campaignFromRow(raw: Record<string, unknown>): Row {
  return {
    id: raw.id as string,
    alias: raw.alias as string,
    name: raw.name as string,
    module: raw.module as Row['module'],
    srBaseUrl: raw.sr_base_url as string,
    srCompanyId: raw.sr_company_id as string,
    connectionId: raw.connection_id as string,
    srTokenEncrypted: (raw.sr_token_encrypted as string | null) ?? null,
    srProjectId: (raw.sr_project_id as string | null) ?? null,
    srInitialStatusId: (raw.sr_initial_status_id as string | null) ?? null,
    srOfferId: (raw.sr_offer_id as string | null) ?? null,
    srWebmasterId: (raw.sr_webmaster_id as string | null) ?? null,
    cart: jsonColumn<Row['cart']>(raw.cart, []),
    fields: jsonColumn<Row['fields']>(raw.fields, {}),
    statusMap: jsonColumn<Row['statusMap']>(raw.status_map, {}),
    advertiserStatusMap: jsonColumn<Row['advertiserStatusMap']>(raw.advertiser_status_map, null),
    payouts: jsonColumn<Row['payouts']>(raw.payouts, {}),
    currency: raw.currency as string,
    postback: jsonColumn<Row['postback']>(raw.postback, null),
    defaultCountry: (raw.default_country as string | null) ?? null,
    dedupeWindowHours: raw.dedupe_window_hours as number,
    timezone: raw.timezone as string,
    dailyCap: (raw.daily_cap as number | null) ?? null,
    totalCap: (raw.total_cap as number | null) ?? null,
    countries: (raw.countries as string[] | null) ?? null,
    dedupeScope: raw.dedupe_scope as Row['dedupeScope'],
    duplicateIpWindowHours: (raw.duplicate_ip_window_hours as number | null) ?? null,
    webhookSecret: raw.webhook_secret as string,
    postbackSecretEncrypted: (raw.postback_secret_encrypted as string | null) ?? null,
    active: raw.active as boolean,
    createdAt: timestampColumn(raw.created_at),
    updatedAt: timestampColumn(raw.updated_at),
    connectionToken: (raw.connection_token as string | null) ?? null,
  };
}
