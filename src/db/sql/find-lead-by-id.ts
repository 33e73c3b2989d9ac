// Reads one lead, every column: a job creating its order (create-order.ts) and an advertiser's update.
import { type LeadRow, leadColumnsText, leadFromRow } from './lead-row.js';
import { defineStatement } from './statement.js';

export const findLeadById = defineStatement<{ id: string }, LeadRow>({
  name: 'find_lead_by_id',
  text: `select ${leadColumnsText()} from leads where id = $1::text limit 1`,
  values: (input) => [input.id],
  row: leadFromRow,
});
