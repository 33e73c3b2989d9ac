// A partner's leads with one click id on some campaigns, newest first (at most 50): a partner looking its
// leads up by its own click id.
import { type LeadRow, leadColumnsText, leadFromRow } from './lead-row.js';
import { defineStatement } from './statement.js';

export const listPartnerLeadsByClickId = defineStatement<
  { partnerId: string; clickId: string; campaignIds: string[] },
  LeadRow
>({
  name: 'list_partner_leads_by_click_id',
  text: `select ${leadColumnsText()} from leads where click_id = $1::text and partner_id = $2::text and campaign_id = any ($3::text[])
    order by created_at desc limit 50`,
  values: (input) => [input.clickId, input.partnerId, input.campaignIds],
  row: leadFromRow,
});
