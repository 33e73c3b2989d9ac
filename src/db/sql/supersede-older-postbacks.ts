// Marks a lead's older postbacks to one endpoint that are still waiting as superseded, when a newer one is queued.
import { type SQL, sql } from 'drizzle-orm';

/**
 * A data-modifying CTE body for the statement that queues the newer postback (`newJobId`): its waiting
 * (pending, not in flight) predecessors are never sent. A running one is checked before it sends
 * (newer-postback-delivered.ts), and a retry of it after the newer one was delivered is superseded then.
 */
export function supersedeOlderPostbacksSql(input: {
  leadId: string;
  newJobId: string;
  /** The partner endpoint both go to; null: the campaign's own postback. Endpoints never supersede each other. */
  endpointId: string | null;
  at: Date;
}): SQL {
  const at = input.at.toISOString();
  return sql`update jobs set state = 'superseded', finished_at = ${at}, updated_at = ${at},
      last_error = ${`superseded by ${input.newJobId}`}
    where kind = 'postback' and lead_id = ${input.leadId} and state = 'pending' and id <> ${input.newJobId}
      and payload->>'endpoint_id' is not distinct from ${input.endpointId}::text
    returning id`;
}
