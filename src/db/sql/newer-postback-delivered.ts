// Whether a newer postback of the same lead was delivered already (so this older one must not be sent).
import { type SQL, sql } from 'drizzle-orm';

/**
 * Newer by `seq` (the status history row's id when it was queued; 0 for the order's creation; -1 for
 * postbacks queued before seq existed). Uses the lead's postback index (migration 0008). One endpoint
 * per campaign today: every postback of the lead goes to it.
 */
export function newerPostbackDeliveredSql(input: { jobId: string; leadId: string; seq: number }): SQL {
  return sql`select exists (
      select 1 from jobs where kind = 'postback' and lead_id = ${input.leadId} and id <> ${input.jobId}
        and state = 'done' and coalesce((payload->>'seq')::bigint, -1) > ${input.seq}) as newer`;
}
