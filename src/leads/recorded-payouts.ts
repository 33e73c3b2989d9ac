// The payout each lead earned for its current status, as recorded with the change (not today's rates).
import type { Orm } from '../db/connection.js';
import { queryText } from '../db/connection.js';
import { type RecordedPayoutRow, recordedPayoutsText } from '../db/sql/recorded-payouts.js';
import type { Payout } from '../postbacks/payout-in-force.js';

/** Per lead id, the payout recorded with its current status; a lead with none recorded is absent. */
export async function recordedPayouts(db: Orm, leadIds: readonly string[]): Promise<Map<string, Payout>> {
  if (leadIds.length === 0) return new Map();
  const rows = (await queryText(db, recordedPayoutsText, [leadIds])) as unknown as RecordedPayoutRow[];
  return new Map(
    rows.map((row) => [
      row.lead_id,
      {
        minor: row.payout_minor === null ? null : Number(row.payout_minor),
        currency: row.payout_currency,
      },
    ]),
  );
}
