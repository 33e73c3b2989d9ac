// Records the outcome of one attempt: done, retry later, or failed for good.
import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../connection.js';
import { jobs } from '../schema.js';
import type { Job } from './job.js';

/** Only the worker holding the lease may finish a job: a late answer after the lease was swept changes nothing. */
const heldBy = (job: Job) =>
  and(eq(jobs.id, job.id), eq(jobs.state, 'running'), eq(jobs.lockedBy, job.lockedBy ?? ''));

/** `completeJob` as an SQL fragment, for a data-modifying CTE that records the outcome in one statement. */
export function completeJobSql(job: Job, now: Date, httpStatus?: number | null): SQL {
  return sql`update jobs set state = 'done', finished_at = ${now.toISOString()}, updated_at = ${now.toISOString()},
      locked_until = null, last_error = null, last_http_status = ${httpStatus ?? null}
    where id = ${job.id} and state = 'running' and locked_by = ${job.lockedBy ?? ''}`;
}

export async function completeJob(
  db: Executor,
  job: Job,
  now: Date,
  httpStatus?: number | null,
): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({
      state: 'done',
      finishedAt: now,
      updatedAt: now,
      lockedUntil: null,
      lastError: null,
      lastHttpStatus: httpStatus ?? null,
    })
    .where(heldBy(job))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

/** Schedules the next attempt, or marks the job failed when it has used all its attempts. Returns the new state. */
export async function retryOrFailJob(
  db: Executor,
  job: Job,
  options: { now: Date; delayMs: number; error: string; httpStatus?: number | null },
): Promise<'pending' | 'failed'> {
  const exhausted = job.attempts >= job.maxAttempts;
  await db
    .update(jobs)
    .set({
      state: exhausted ? 'failed' : 'pending',
      nextAttemptAt: new Date(options.now.getTime() + options.delayMs),
      finishedAt: exhausted ? options.now : null,
      lockedUntil: null,
      lockedBy: null,
      lastError: options.error.slice(0, 2000),
      lastHttpStatus: options.httpStatus ?? null,
      updatedAt: options.now,
    })
    .where(heldBy(job));
  return exhausted ? 'failed' : 'pending';
}

export async function failJob(
  db: Executor,
  job: Job,
  options: { now: Date; error: string; httpStatus?: number | null },
): Promise<void> {
  await db
    .update(jobs)
    .set({
      state: 'failed',
      finishedAt: options.now,
      lockedUntil: null,
      lockedBy: null,
      lastError: options.error.slice(0, 2000),
      lastHttpStatus: options.httpStatus ?? null,
      updatedAt: options.now,
    })
    .where(heldBy(job));
}

export type JobOutcome =
  | { kind: 'done'; httpStatus?: number | null }
  | { kind: 'failed'; error: string; httpStatus?: number | null }
  | { kind: 'retry'; delayMs: number; error: string; httpStatus?: number | null };

/**
 * The UPDATE recording an attempt's outcome, as an SQL fragment for a data-modifying CTE, and the state
 * it leaves the job in (a retry with no attempts left fails it). Same rules as the functions above.
 */
export function jobOutcomeSql(
  job: Job,
  outcome: JobOutcome,
  now: Date,
): { sql: SQL; state: 'done' | 'pending' | 'failed' } {
  const at = now.toISOString();
  const held = sql`where id = ${job.id} and state = 'running' and locked_by = ${job.lockedBy ?? ''}`;
  if (outcome.kind === 'done') return { sql: completeJobSql(job, now, outcome.httpStatus), state: 'done' };
  const error = outcome.error.slice(0, 2000);
  const failed = outcome.kind === 'failed' || job.attempts >= job.maxAttempts;
  if (failed) {
    return {
      sql: sql`update jobs set state = 'failed', finished_at = ${at}, locked_until = null, locked_by = null,
          last_error = ${error}, last_http_status = ${outcome.httpStatus ?? null}, updated_at = ${at} ${held}`,
      state: 'failed',
    };
  }
  const next = new Date(now.getTime() + outcome.delayMs).toISOString();
  return {
    sql: sql`update jobs set state = 'pending', next_attempt_at = ${next}, finished_at = null, locked_until = null,
        locked_by = null, last_error = ${error}, last_http_status = ${outcome.httpStatus ?? null}, updated_at = ${at} ${held}`,
    state: 'pending',
  };
}
