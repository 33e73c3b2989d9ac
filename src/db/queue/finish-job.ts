// Records the outcome of one attempt: done, retry later, or failed for good.
import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../connection.js';
import type { Job } from './job.js';

/** Only the worker holding the lease may finish a job: a late answer after the lease was swept changes nothing. */
const heldBy = (job: Job) =>
  sql`where id = ${job.id} and state = 'running' and locked_by = ${job.lockedBy ?? ''}`;

/** `completeJob` as an SQL fragment, for a data-modifying CTE that records the outcome in one statement. */
export function completeJobSql(job: Job, now: Date, httpStatus?: number | null): SQL {
  const at = now.toISOString();
  return sql`update jobs set state = 'done', finished_at = ${at}, updated_at = ${at},
      locked_until = null, last_error = null, last_http_status = ${httpStatus ?? null} ${heldBy(job)}`;
}

export async function completeJob(
  db: Executor,
  job: Job,
  now: Date,
  httpStatus?: number | null,
): Promise<boolean> {
  const rows = await queryRows(db, sql`${completeJobSql(job, now, httpStatus)} returning id`);
  return rows.length > 0;
}

/** Schedules the next attempt, or marks the job failed when it has used all its attempts. Returns the new state. */
export async function retryOrFailJob(
  db: Executor,
  job: Job,
  options: { now: Date; delayMs: number; error: string; httpStatus?: number | null },
): Promise<'pending' | 'failed'> {
  const outcome = jobOutcomeSql(
    job,
    { kind: 'retry', delayMs: options.delayMs, error: options.error, httpStatus: options.httpStatus },
    options.now,
  );
  await db.execute(outcome.sql);
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
  const at = options.now.toISOString();
  const next = new Date(options.now.getTime() + options.delayMs).toISOString();
  await db.execute(
    sql`update jobs set state = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = ${next},
        finished_at = null, locked_until = null, locked_by = null, last_error = ${options.error.slice(0, 2000)},
        last_http_status = null, updated_at = ${at} ${heldBy(job)}`,
  );
}

/** A job that will never run because a newer one made it pointless (a lead's older postback). */
export function supersedeJobSql(job: Job, now: Date, reason: string): SQL {
  const at = now.toISOString();
  return sql`update jobs set state = 'superseded', finished_at = ${at}, locked_until = null, locked_by = null,
      last_error = ${reason}, updated_at = ${at} ${heldBy(job)}`;
}

export async function failJob(
  db: Executor,
  job: Job,
  options: { now: Date; error: string; httpStatus?: number | null },
): Promise<void> {
  await db.execute(
    jobOutcomeSql(job, { kind: 'failed', error: options.error, httpStatus: options.httpStatus }, options.now)
      .sql,
  );
}

export type JobOutcome =
  | { kind: 'done'; httpStatus?: number | null }
  | { kind: 'failed'; error: string; httpStatus?: number | null }
  | { kind: 'retry'; delayMs: number; error: string; httpStatus?: number | null };

/**
 * The UPDATE recording an attempt's outcome, as an SQL fragment for a data-modifying CTE, and the state
 * it leaves the job in (a retry with no attempts left fails it). The functions above run it on its own.
 */
export function jobOutcomeSql(
  job: Job,
  outcome: JobOutcome,
  now: Date,
): { sql: SQL; state: 'done' | 'pending' | 'failed' } {
  const at = now.toISOString();
  const held = heldBy(job);
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
