// The job bookkeeping after a SalesRender error: transient -> next attempt on the schedule, else failed.
import type { Executor } from '../db/connection.js';
import { retryOrFailJob } from '../db/queue/finish-job.js';
import { type Job, type RetrySchedule, retryDelayMs } from '../db/queue/job.js';
import type { SalesRenderError } from '../salesrender/errors.js';

/** Returns `retry` when another attempt is scheduled, `failed` when the job is given up. A Retry-After wins if longer. */
export async function rescheduleAfterSalesRenderError(
  db: Executor,
  job: Job,
  error: SalesRenderError,
  options: { now: Date; schedule: RetrySchedule; random: () => number },
): Promise<'retry' | 'failed'> {
  const message = `${error.code}: ${error.message}`;
  const httpStatus = error.details.httpStatus;
  if (!error.transient) {
    // A refusal will not change by asking again: give up now (retryOrFail with no attempts left).
    await retryOrFailJob(
      db,
      { ...job, maxAttempts: job.attempts },
      { now: options.now, delayMs: 0, error: message, httpStatus },
    );
    return 'failed';
  }
  const delayMs = Math.max(
    retryDelayMs(options.schedule, job.attempts, options.random),
    error.details.retryAfterMs ?? 0,
  );
  const state = await retryOrFailJob(db, job, { now: options.now, delayMs, error: message, httpStatus });
  return state === 'pending' ? 'retry' : 'failed';
}
