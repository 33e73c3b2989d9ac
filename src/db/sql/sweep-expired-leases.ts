// Returns jobs whose worker died (lease expired) to the queue.
import { defineStatement } from './statement.js';

/**
 * A running job whose lease has passed belongs to a worker that was killed or hung; making it pending
 * again is what turns "the process died mid-call" into "the call is retried". Its attempt still counts.
 * A create_order job's call may have made the order before the worker died: it is marked in doubt
 * (since its claim, `updated_at`), so the next attempt looks for that order first (create-order.ts).
 */
export const sweepExpiredLeases = defineStatement<{ now: Date }>({
  name: 'sweep_expired_leases',
  text: `update jobs set state = 'pending', locked_until = null, locked_by = null, next_attempt_at = $1::timestamptz,
      updated_at = $1::timestamptz,
      payload = case when kind = 'create_order'
        then payload || jsonb_build_object('inDoubtSince', coalesce(payload->>'inDoubtSince', to_json(updated_at)#>>'{}'))
        else payload end
    where state = 'running' and locked_until < $1::timestamptz
    returning id`,
  values: (input) => [input.now.toISOString()],
});
