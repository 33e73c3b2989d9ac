// Reads one lead of a partner, every column: a partner reading its lead's status (another partner's lead
// is not found).
import { type LeadRow, leadColumnsText, leadFromRow } from './lead-row.js';
import { defineStatement } from './statement.js';

export const findPartnerLead = defineStatement<{ partnerId: string; leadId: string }, LeadRow>({
  name: 'find_partner_lead',
  text: `select ${leadColumnsText()} from leads where id = $1::text and partner_id = $2::text limit 1`,
  values: (input) => [input.leadId, input.partnerId],
  row: leadFromRow,
});
