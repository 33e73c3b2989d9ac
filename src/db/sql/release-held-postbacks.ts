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
 *
 * Locks are taken in one order, older postbacks first, as the wait takes them (the older one, then its
 * own) and as lease renewal does (renew-leases.ts): the ended one first (its own CTE runs before this
 * one, which needs its row), then the newer ones by `seq`. Two statements that lock in one order wait for
 * each other; in opposite orders they could deadlock.
 */
export function releaseHeldPostbacksText(p: ReleaseHeldPostbacksParameters): string {
  return `update jobs set updated_at = ${p.at}::timestamptz,
        next_attempt_at = case when state = 'pending' then ${p.at}::timestamptz else next_attempt_at end
      where id in (select newer.id from jobs newer
        where exists (select 1 from ${p.ended}) and newer.kind = 'postback' and newer.lead_id = ${p.leadId}::text
          and newer.payload->>'endpoint_id' is not distinct from ${p.endpointId}::text
          and coalesce((newer.payload->>'seq')::bigint, -1) > ${p.seq}::bigint
          and (newer.state = 'running' or (newer.state = 'pending' and newer.last_error = ${p.waiting}::text
            and newer.next_attempt_at > ${p.at}::timestamptz))
        order by coalesce((newer.payload->>'seq')::bigint, -1), newer.id
        for no key update of newer)
      returning state`;
}
