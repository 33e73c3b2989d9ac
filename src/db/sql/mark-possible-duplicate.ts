// Flags a lead that is about to be sent again with no way to rule out an order made by a lost call.
import { defineStatement } from './statement.js';

/** Written before the send, so even a crash right after it leaves the flag; never cleared. */
export const markPossibleDuplicate = defineStatement<{ leadId: string; at: Date }>({
  name: 'mark_possible_duplicate',
  text: 'update leads set possible_duplicate = true, updated_at = $2::timestamptz where id = $1::text',
  values: (input) => [input.leadId, input.at.toISOString()],
});
