// The part of a statement ending a postback that releases the newer postbacks of its lead held behind it.
import { waitingForOlderPostback } from './hold-postback-behind-older.js';

/** The placeholders (`$n`) of the enclosing statement's values, and the CTE whose row says the postback ended. */
export interface ReleaseHeldPostbacksParameters {
  at: string;
  leadId: string;
  endpointId: string;
  seq: string;
  /** Bound to `waitingForOlderPostback`. */
  waiting: string;
  ended: string;
}

/** The value to bind to the `waiting` placeholder. */
export const releaseWaitingValue = waitingForOlderPostback;

/**
 * A data-modifying CTE: every newer postback of the same lead and endpoint held behind the one that just
 * ended becomes due at once (`returning state`: 'pending' for each released one; NOTIFY when any is).
 *
 * Newer ones still `running` are matched too, and rewritten unchanged but for `updated_at`: one whose
 * wait (hold-postback-behind-older.ts) is being committed at this moment is seen by this statement's
 * snapshot as running; waiting for its row and re-reading it is how this statement sees the wait and
 * releases it, instead of leaving it to wait for nothing.
 */
export function releaseHeldPostbacksText(p: ReleaseHeldPostbacksParameters): string {
  return `update jobs set updated_at = ${p.at}::timestamptz,
        next_attempt_at = case when state = 'pending' then ${p.at}::timestamptz else next_attempt_at end
      where kind = 'postback' and lead_id = ${p.leadId}::text
        and payload->>'endpoint_id' is not distinct from ${p.endpointId}::text
        and coalesce((payload->>'seq')::bigint, -1) > ${p.seq}::bigint
        and (state = 'running'
          or (state = 'pending' and last_error = ${p.waiting}::text and next_attempt_at > ${p.at}::timestamptz))
        and exists (select 1 from ${p.ended})
      returning state`;
}
