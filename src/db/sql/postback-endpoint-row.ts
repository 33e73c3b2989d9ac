// A partner's postback endpoint as its reads select it: the column list and the row mapping they share.
import type { postbackEndpoints } from '../schema.js';
import { jsonColumn } from './json-column.js';
import { timestampColumn } from './timestamp-column.js';

export type PostbackEndpointRow = typeof postbackEndpoints.$inferSelect;

/** Every column of postback_endpoints, in table order. */
export const postbackEndpointColumnsText = `id, partner_id, campaign_id, name, url, method, on_labels, status_values,
    success_match, signing_secret_encrypted, preset, active, created_at, updated_at`;

/** One row of `postbackEndpointColumnsText` in drizzle's shape (camelCase, jsonb parsed, Dates). */
export function postbackEndpointFromRow(raw: Record<string, unknown>): PostbackEndpointRow {
  return {
    id: raw.id as string,
    partnerId: raw.partner_id as string,
    campaignId: (raw.campaign_id as string | null) ?? null,
    name: raw.name as string,
    url: raw.url as string,
    method: raw.method as PostbackEndpointRow['method'],
    onLabels: jsonColumn<string[]>(raw.on_labels, []),
    statusValues: jsonColumn<Record<string, string>>(raw.status_values, {}),
    successMatch: (raw.success_match as string | null) ?? null,
    signingSecretEncrypted: raw.signing_secret_encrypted as string,
    preset: (raw.preset as string | null) ?? null,
    active: raw.active as boolean,
    createdAt: timestampColumn(raw.created_at),
    updatedAt: timestampColumn(raw.updated_at),
  };
}
