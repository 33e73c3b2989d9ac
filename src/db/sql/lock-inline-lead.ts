// Takes a lead's row lock while its inline lease still stands, for recording the inline attempt's failure.
import { defineStatement } from './statement.js';

/**
 * No row: the lease has passed and the sweep has given the lead a job, which owns it now (its failure is
 * not this attempt's to record). A row: the lead is locked until the transaction ends, so the sweep, which
 * skips locked rows, cannot take it meanwhile.
 */
export const lockInlineLead = defineStatement<{ leadId: string }, { id: string }>({
  name: 'lock_inline_lead',
  text: `select id from leads
    where id = $1::text and state = 'queued' and inline_lease_until is not null
    for update`,
  values: (input) => [input.leadId],
  row: (raw) => ({ id: String(raw.id) }),
});
