// Queues one postback to be sent again now (the operator's retry): a failed one gets one more attempt, a
// delivered one is sent once more (trackers dedupe on `tid`). One being sent right now is left alone.
import { type JobRow, jobColumnsText, jobRowFromRow } from './job-row.js';
import { defineStatement } from './statement.js';

/**
 * What a retried postback becomes, reading `$now`: due now, with at least one attempt left (a failed job
 * gets exactly one more; it can be retried again).
 */
export function requeuedPostbackText(now: string): string {
  return `state = 'pending', next_attempt_at = ${now}::timestamptz,
      max_attempts = greatest(max_attempts, attempts + 1), finished_at = null, updated_at = ${now}::timestamptz`;
}

/** The postback as requeued; no row when there is no such postback or it is not pending, failed or done. */
export const retryPostback = defineStatement<{ id: string; now: Date }, JobRow>({
  name: 'retry_postback',
  text: `update jobs set ${requeuedPostbackText('$2')}
    where id = $1::text and kind = 'postback' and state in ('pending', 'failed', 'done')
    returning ${jobColumnsText()}`,
  values: (input) => [input.id, input.now.toISOString()],
  row: jobRowFromRow,
});
