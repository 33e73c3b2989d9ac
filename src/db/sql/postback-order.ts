// Where a postback stands among its lead's others: whether a newer one exists, or an older one is in flight.
import { type SQL, sql } from 'drizzle-orm';

/**
 * By `seq` (the status history row's id when it was queued; 0 for the order's creation; -1 for postbacks
 * queued before seq existed), on the lead's postback index (migration 0008). `newer`: any newer postback,
 * in any state: this one is obsolete. `older_in_flight`: an older one is being sent right now (a live
 * lease): this one waits, so the tracker never gets the older status last. Each endpoint (the
 * campaign's own, each partner endpoint) is its own sequence: endpoints never hold or supersede each other.
 */
export function postbackOrderSql(input: {
  jobId: string;
  leadId: string;
  /** Its partner endpoint (null: the campaign's own postback): only postbacks to the same one count. */
  endpointId: string | null;
  seq: number;
  now: Date;
}): SQL {
  const seq = sql`coalesce((payload->>'seq')::bigint, -1)`;
  const sameEndpoint = sql`payload->>'endpoint_id' is not distinct from ${input.endpointId}::text`;
  return sql`select
      exists (select 1 from jobs where kind = 'postback' and lead_id = ${input.leadId} and id <> ${input.jobId}
        and ${sameEndpoint} and ${seq} > ${input.seq}) as newer,
      exists (select 1 from jobs where kind = 'postback' and lead_id = ${input.leadId} and id <> ${input.jobId}
        and ${sameEndpoint} and ${seq} < ${input.seq} and state = 'running'
        and locked_until > ${input.now.toISOString()}) as older_in_flight`;
}
