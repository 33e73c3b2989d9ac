// Records a failed SalesRender attempt on its lead: the lead's new state, the error, its inline lease cleared.
import { type LeadRow, leadColumnsText, leadFromRow } from './lead-row.js';
import { defineStatement } from './statement.js';

export interface SetLeadAfterFailureInput {
  leadId: string;
  state: LeadRow['state'];
  errorCode: string;
  errorMessage: string;
  now: Date;
}

/** The lead as updated, every column; no row when the lead is gone or no longer queued (finished by another attempt). */
export const setLeadAfterFailure = defineStatement<SetLeadAfterFailureInput, LeadRow>({
  name: 'set_lead_after_failure',
  text: `update leads set state = $2::text, error_code = $3::text, error_message = $4::text,
      inline_lease_until = null, updated_at = $5::timestamptz
    where id = $1::text and state = 'queued'
    returning ${leadColumnsText()}`,
  values: (input) => [
    input.leadId,
    input.state,
    input.errorCode,
    input.errorMessage,
    input.now.toISOString(),
  ],
  row: leadFromRow,
});
