// Records the outcome of one attempt: done, retry later, or failed for good.
import type { Executor } from '../connection.js';
import { holdJob as holdJobStatement } from '../sql/hold-job.js';
import { type JobOutcomeRow, recordJobOutcome } from '../sql/record-job-outcome.js';
import { executeSql } from '../sql/statement.js';
import type { Job } from './job.js';

export async function completeJob(
  db: Executor,
  job: Job,
  now: Date,
  httpStatus?: number | null,
): Promise<boolean> {
  const rows = await executeSql(db, recordJobOutcome, {
    job,
    at: now,
    outcome: jobOutcome(job, { kind: 'done', httpStatus }, now),
  });
  return rows.length > 0;
}

/** Schedules the next attempt, or marks the job failed when it has used all its attempts. Returns the new state. */
export async function retryOrFailJob(
  db: Executor,
  job: Job,
  options: { now: Date; delayMs: number; error: string; httpStatus?: number | null },
): Promise<'pending' | 'failed'> {
  const outcome = jobOutcome(
    job,
    { kind: 'retry', delayMs: options.delayMs, error: options.error, httpStatus: options.httpStatus },
    options.now,
  );
  await executeSql(db, recordJobOutcome, { job, at: options.now, outcome });
  return outcome.state === 'failed' ? 'failed' : 'pending';
}

/**
 * Puts the job back to wait `delayMs` without counting this attempt: for a fault that is not the job's
 * own (a SalesRender schema problem the operator fixes), which must never use up its attempts.
 */
export async function holdJob(
  db: Executor,
  job: Job,
  options: { now: Date; delayMs: number; error: string },
): Promise<void> {
  await executeSql(db, holdJobStatement, {
    job,
    at: options.now,
    nextAttemptAt: new Date(options.now.getTime() + options.delayMs),
    error: options.error,
  });
}

export async function failJob(
  db: Executor,
  job: Job,
  options: { now: Date; error: string; httpStatus?: number | null },
): Promise<void> {
  await executeSql(db, recordJobOutcome, {
    job,
    at: options.now,
    outcome: jobOutcome(
      job,
      { kind: 'failed', error: options.error, httpStatus: options.httpStatus },
      options.now,
    ),
  });
}

export type JobOutcome =
  | { kind: 'done'; httpStatus?: number | null }
  | { kind: 'failed'; error: string; httpStatus?: number | null }
  | { kind: 'retry'; delayMs: number; error: string; httpStatus?: number | null };

/** The state an attempt's outcome leaves the job in: a retry with no attempts left fails it. */
export function jobOutcome(job: Job, outcome: JobOutcome, now: Date): JobOutcomeRow {
  const httpStatus = outcome.httpStatus ?? null;
  if (outcome.kind === 'done') return { state: 'done', error: null, httpStatus, nextAttemptAt: null };
  if (outcome.kind === 'failed' || job.attempts >= job.maxAttempts)
    return { state: 'failed', error: outcome.error, httpStatus, nextAttemptAt: null };
  return {
    state: 'pending',
    error: outcome.error,
    httpStatus,
    nextAttemptAt: new Date(now.getTime() + outcome.delayMs),
  };
}
