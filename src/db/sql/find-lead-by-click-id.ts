// Reads the live lead holding a click id in a campaign (a rejected one releases it): the intake's answer to
// a lead it found to be a duplicate by click id.
import { type LeadRow, leadColumnsText, leadFromRow } from './lead-row.js';
import { defineStatement } from './statement.js';

export const findLeadByClickId = defineStatement<{ campaignId: string; clickId: string }, LeadRow>({
  name: 'find_lead_by_click_id',
  text: `select ${leadColumnsText()} from leads where campaign_id = $1::text and click_id = $2::text and state <> 'rejected'
    limit 1`,
  values: (input) => [input.campaignId, input.clickId],
  row: leadFromRow,
});
