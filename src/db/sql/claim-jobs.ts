// Takes up to N runnable jobs for one worker with a lease, in one statement.
import { jobColumnsText } from './job-row.js';
import { defineStatement } from './statement.js';

export interface ClaimJobsInput {
  workerId: string;
  now: Date;
  leaseUntil: Date;
  limit: number;
  /** Only jobs of these kinds (those the worker has handlers for); null: any kind. */
  kinds: readonly string[] | null;
}

/**
 * Selects due pending jobs `FOR UPDATE SKIP LOCKED` and marks them running with a lease in the same
 * statement, so two workers on one PostgreSQL never take the same job and neither waits for the other.
 * The statement commits on its own: the job's work (an HTTP call) runs outside any transaction, so no
 * connection is held while it waits. `attempts` is counted here, at claim time. Answers the jobs' rows
 * (jobFromRow reads them).
 */
export const claimJobs = defineStatement<ClaimJobsInput>({
  name: 'claim_jobs',
  text: `with runnable as (
      select id from jobs
      where state = 'pending' and next_attempt_at <= $1::timestamptz
        and ($5::text[] is null or kind = any ($5::text[]))
      order by next_attempt_at
      limit $4::int
      for update skip locked)
    update jobs
    set state = 'running', attempts = jobs.attempts + 1, locked_until = $2::timestamptz,
        locked_by = $3::text, updated_at = $1::timestamptz
    from runnable
    where jobs.id = runnable.id
    returning ${jobColumnsText('jobs')}`,
  values: (input) => [
    input.now.toISOString(),
    input.leaseUntil.toISOString(),
    input.workerId,
    input.limit,
    input.kinds?.length ? input.kinds : null,
  ],
});
