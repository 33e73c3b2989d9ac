// The payout each lead earned for its current status, as recorded with the change (not today's rates).
import type { Orm } from '../db/connection.js';
import { recordedPayouts as recordedPayoutsStatement } from '../db/sql/recorded-payouts.js';
import { executeSql } from '../db/sql/statement.js';
import type { Payout } from '../postbacks/payout-in-force.js';

/** Per lead id, the payout recorded with its current status; a lead with none recorded is absent. */
export async function recordedPayouts(db: Orm, leadIds: readonly string[]): Promise<Map<string, Payout>> {
  if (leadIds.length === 0) return new Map();
  const rows = await executeSql(db, recordedPayoutsStatement, { leadIds });
  return new Map(rows.map((row) => [row.leadId, { minor: row.minor, currency: row.currency }]));
}
