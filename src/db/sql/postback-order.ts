// Where a postback stands among its lead's others: whether a newer one exists, or an older one is in flight.
import { defineStatement } from './statement.js';

export interface PostbackOrderInput {
  jobId: string;
  leadId: string;
  /** Its partner endpoint (null: the campaign's own postback): only postbacks to the same one count. */
  endpointId: string | null;
  seq: number;
  now: Date;
}

/**
 * By `seq` (the status history row's id when it was queued; 0 for the order's creation; -1 for postbacks
 * queued before seq existed), on the lead's postback index (migration 0008). `newer`: any newer postback,
 * in any state: this one is obsolete. `older_in_flight`: an older one is being sent right now (a live
 * lease): this one waits, so the tracker never gets the older status last. Each endpoint (the
 * campaign's own, each partner endpoint) is its own sequence: endpoints never hold or supersede each other.
 */
export const postbackOrder = defineStatement<PostbackOrderInput, { newer: boolean; olderInFlight: boolean }>({
  name: 'postback_order',
  text: `select
      exists (select 1 from jobs where kind = 'postback' and lead_id = $2::text and id <> $1::text
        and payload->>'endpoint_id' is not distinct from $3::text
        and coalesce((payload->>'seq')::bigint, -1) > $4::bigint) as newer,
      exists (select 1 from jobs where kind = 'postback' and lead_id = $2::text and id <> $1::text
        and payload->>'endpoint_id' is not distinct from $3::text
        and coalesce((payload->>'seq')::bigint, -1) < $4::bigint and state = 'running'
        and locked_until > $5::timestamptz) as older_in_flight`,
  values: (input) => [input.jobId, input.leadId, input.endpointId, input.seq, input.now.toISOString()],
  row: (raw) => ({ newer: raw.newer === true, olderInFlight: raw.older_in_flight === true }),
});
