// Reads a partner's own payouts on a campaign: for each status change of its leads that the cache of
// hot-lookups.ts misses (with list-partner-endpoints.ts, its postback setup).
import type { clientCampaigns } from '../schema.js';
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';

type TermsRow = typeof clientCampaigns.$inferSelect;

export interface PartnerPayoutsRow {
  payouts: TermsRow['payouts'];
  payoutsByCountry: TermsRow['payoutsByCountry'];
  currency: string | null;
}

/** At most one row: none when the partner may not use the campaign. */
export const findPartnerPayouts = defineStatement<
  { partnerId: string; campaignId: string },
  PartnerPayoutsRow
>({
  name: 'find_partner_payouts',
  text: `select payouts, payouts_by_country, payout_currency from client_campaigns
    where client_id = $1::text and campaign_id = $2::text limit 1`,
  values: (input) => [input.partnerId, input.campaignId],
  row: (raw) => ({
    payouts: jsonColumn<TermsRow['payouts']>(raw.payouts, null),
    payoutsByCountry: jsonColumn<TermsRow['payoutsByCountry']>(raw.payouts_by_country, null),
    currency: (raw.payout_currency as string | null) ?? null,
  }),
});
