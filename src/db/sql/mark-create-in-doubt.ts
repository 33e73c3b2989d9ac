// Notes on a create_order job that one of its calls may have created the order although its answer was lost.
import { defineStatement } from './statement.js';

/**
 * Keeps the earliest time (the next attempt looks for our order from then on: in-doubt create), in the
 * transaction that records the attempt's outcome.
 */
export const markCreateInDoubt = defineStatement<{ jobId: string; since: Date }>({
  name: 'mark_create_in_doubt',
  text: `update jobs set payload = payload || jsonb_build_object('inDoubtSince',
      coalesce(payload->>'inDoubtSince', $2::text)) where id = $1::text`,
  values: (input) => [input.jobId, input.since.toISOString()],
});
