// Reads a partner's own CPA webmaster token on a campaign (encrypted): once per CPA lead of a partner that
// the cache of hot-lookups.ts misses.
import { defineStatement } from './statement.js';

/** At most one row; its token is null when the partner has none of its own. */
export const findPartnerCpaToken = defineStatement<
  { partnerId: string; campaignId: string },
  { tokenEncrypted: string | null }
>({
  name: 'find_partner_cpa_token',
  text: `select cpa_token_encrypted from client_campaigns
    where client_id = $1::text and campaign_id = $2::text limit 1`,
  values: (input) => [input.partnerId, input.campaignId],
  row: (raw) => ({ tokenEncrypted: (raw.cpa_token_encrypted as string | null) ?? null }),
});
