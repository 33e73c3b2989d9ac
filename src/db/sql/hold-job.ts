// Puts a running job back to wait without counting its attempt.
import { defineStatement } from './statement.js';

export interface HoldJobInput {
  job: { id: string; lockedBy: string | null };
  at: Date;
  nextAttemptAt: Date;
  error: string;
}

/** For a fault that is not the job's own (a SalesRender schema problem the operator fixes): attempts never run out. */
export const holdJob = defineStatement<HoldJobInput>({
  name: 'hold_job',
  text: `update jobs set state = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = $3::timestamptz,
      finished_at = null, locked_until = null, locked_by = null, last_error = $4::text,
      last_http_status = null, updated_at = $2::timestamptz
    where id = $1::text and state = 'running' and locked_by = $5::text`,
  values: (input) => [
    input.job.id,
    input.at.toISOString(),
    input.nextAttemptAt.toISOString(),
    input.error.slice(0, 2000),
    input.job.lockedBy ?? '',
  ],
});
