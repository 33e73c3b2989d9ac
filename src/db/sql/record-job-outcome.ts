// Records the outcome of one attempt of a job: done, pending again for a later attempt, or failed for good.
import { defineStatement } from './statement.js';

export interface JobOutcomeRow {
  state: 'done' | 'pending' | 'failed';
  /** The attempt's error (null when done). */
  error: string | null;
  httpStatus: number | null;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: Date | null;
}

export interface RecordJobOutcomeInput {
  /** Only the worker holding the lease may finish a job: a late answer after the lease was swept changes nothing. */
  job: { id: string; lockedBy: string | null };
  at: Date;
  outcome: JobOutcomeRow;
}

/** The UPDATE, embedded by statements that record an outcome with other rows: $1…$7 as `recordJobOutcome`'s. */
export const recordJobOutcomeText = `update jobs set state = $3::text,
      finished_at = case when $3::text = 'pending' then null else $2::timestamptz end,
      next_attempt_at = case when $3::text = 'pending' then $6::timestamptz else next_attempt_at end,
      locked_until = null, locked_by = case when $3::text = 'done' then locked_by else null end,
      last_error = $4::text, last_http_status = $5::int, updated_at = $2::timestamptz
    where id = $1::text and state = 'running' and locked_by = $7::text`;

/** The parameters $1…$7 of `recordJobOutcomeText`. */
export function jobOutcomeValues(input: RecordJobOutcomeInput): unknown[] {
  const { job, at, outcome } = input;
  return [
    job.id,
    at.toISOString(),
    outcome.state,
    outcome.state === 'done' ? null : (outcome.error ?? '').slice(0, 2000),
    outcome.httpStatus,
    outcome.nextAttemptAt?.toISOString() ?? null,
    job.lockedBy ?? '',
  ];
}

/** A done job keeps `locked_by` (who ran it); a pending or failed one is let go. Answers the job's id when it was held. */
export const recordJobOutcome = defineStatement<RecordJobOutcomeInput, { id: string }>({
  name: 'record_job_outcome',
  text: `${recordJobOutcomeText} returning id`,
  values: jobOutcomeValues,
  row: (raw) => ({ id: String(raw.id) }),
});
