// Flags a lead that is about to be sent again with no way to rule out an order made by a lost call.
import { type SQL, sql } from 'drizzle-orm';

/** Written before the send, so even a crash right after it leaves the flag; never cleared. */
export function markPossibleDuplicateSql(leadId: string, at: Date): SQL {
  return sql`update leads set possible_duplicate = true, updated_at = ${at.toISOString()} where id = ${leadId}`;
}
