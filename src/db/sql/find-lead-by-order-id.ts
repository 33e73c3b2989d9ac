// Reads the newest lead holding a SalesRender order id among some campaigns: the order an advertiser's
// status update names, looked for in the advertiser's campaigns only.
import { type LeadRow, leadColumnsText, leadFromRow } from './lead-row.js';
import { defineStatement } from './statement.js';

export const findLeadByOrderId = defineStatement<{ orderId: string; campaignIds: string[] }, LeadRow>({
  name: 'find_lead_by_order_id',
  text: `select ${leadColumnsText()} from leads where order_id = $1::text and campaign_id = any ($2::text[])
    order by created_at desc limit 1`,
  values: (input) => [input.orderId, input.campaignIds],
  row: leadFromRow,
});
