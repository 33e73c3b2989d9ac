// Finds the partner's lead stored under an idempotency key, writing the raw request's audit row with the read.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { leadColumnsText } from './lead-row.js';
import { defineStatement } from './statement.js';

export interface FindLeadByIdempotencyKeyInput {
  partnerId: string;
  key: string;
  /** The raw request's audit row when not on record yet (the audit writer's batchJson; `[]` for none). */
  auditRows: string;
}

/** At most one row: the lead, every column (leadFromRow reads it). One round trip for the read and the row. */
export const findLeadByIdempotencyKey = defineStatement<FindLeadByIdempotencyKeyInput>({
  name: 'find_lead_by_idempotency_key',
  text: `with received as (${auditBatchInsertText('$3')})
    select ${leadColumnsText()} from leads where partner_id = $1::text and idempotency_key = $2::text limit 1`,
  values: (input) => [input.partnerId, input.key, input.auditRows],
});
