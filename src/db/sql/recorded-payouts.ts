// The payout recorded with each lead's current status: what the lead earned, whatever the rates say today.
import { defineStatement } from './statement.js';

/**
 * $1: lead ids (text[]). Per lead, the newest history entry of its current status that recorded a payout
 * (a status seen again adds an entry, with the payout in force then); leads without one are left out
 * (changes recorded before payouts were). One index range per lead on lead_status_history (lead_id).
 */
export const recordedPayouts = defineStatement<{ leadIds: readonly string[] }, RecordedPayoutRow>({
  name: 'recorded_payouts',
  text: `select lead.id as lead_id, paid.payout_minor, paid.payout_currency
  from leads lead
  join lateral (
    select history.payout_minor, history.payout_currency from lead_status_history history
    where history.lead_id = lead.id and history.status_id = lead.status_id and history.payout_currency is not null
    order by history.changed_at desc, history.id desc limit 1) paid on true
  where lead.id = any($1::text[])`,
  values: (input) => [input.leadIds],
  row: (raw) => ({
    leadId: String(raw.lead_id),
    minor: raw.payout_minor === null ? null : Number(raw.payout_minor),
    currency: String(raw.payout_currency),
  }),
});

export interface RecordedPayoutRow {
  leadId: string;
  minor: number | null;
  currency: string;
}
