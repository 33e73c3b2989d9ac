// Inserts a job, usually in the same transaction (or the same statement) as the change that makes it necessary.
import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../connection.js';
import { insertJob } from '../sql/insert-job.js';
import { executeSql } from '../sql/statement.js';
import type { Job } from './job.js';
import type { JobKind } from './job-payloads.js';
import type { NewJob } from './new-job.js';

export type { NewJob };

/**
 * The INSERT for a job (nothing when a job with the same `dedupeKey` exists), as an SQL fragment a
 * caller can put in a data-modifying CTE next to the change that needs the job.
 */
export function jobInsertSql(job: NewJob, now: Date, options: { onlyIf?: SQL } = {}): SQL {
  const at = now.toISOString();
  // Typed values, so the row also works as `select ... where <onlyIf>` (no target column to infer from).
  const state = job.skippedBecause ? 'skipped' : job.claimFor ? 'running' : 'pending';
  const row = sql`${job.id}::text, ${job.kind}::text, ${job.campaignId ?? null}::text, ${job.leadId ?? null}::text,
      ${JSON.stringify(job.payload)}::jsonb, ${state}::text,
      ${job.claimFor ? Math.max(job.attempts ?? 1, 1) : (job.attempts ?? 0)}::int, ${job.maxAttempts}::int, ${job.runAt.toISOString()}::timestamptz,
      ${job.claimFor?.leaseUntil.toISOString() ?? null}::timestamptz, ${job.claimFor?.workerId ?? null}::text,
      ${job.dedupeKey ?? null}::text, ${at}::timestamptz, ${at}::timestamptz,
      ${job.skippedBecause ?? null}::text, ${job.skippedBecause ? at : null}::timestamptz`;
  return sql`insert into jobs (id, kind, campaign_id, lead_id, payload, state, attempts, max_attempts,
      next_attempt_at, locked_until, locked_by, dedupe_key, created_at, updated_at, last_error, finished_at)
    ${options.onlyIf ? sql`select ${row} where ${options.onlyIf}` : sql`values (${row})`}
    on conflict do nothing`;
}

/** Returns false when a job with the same `dedupeKey` exists already (nothing inserted). */
export async function enqueueJob(db: Executor, job: NewJob, now: Date): Promise<boolean> {
  return (await executeSql(db, insertJob, { job, now })).length > 0;
}

/** The Job a worker runs for `job` inserted with `claimFor` (its first attempt, leased to that worker). */
export function claimedJob<K extends JobKind>(
  job: NewJob<K> & { claimFor: { workerId: string; leaseUntil: Date } },
): Job<K> {
  // One object from the same kind and payload: TypeScript cannot follow that correlation through a union.
  return {
    id: job.id,
    kind: job.kind,
    campaignId: job.campaignId ?? null,
    leadId: job.leadId ?? null,
    payload: job.payload,
    state: 'running',
    attempts: 1,
    maxAttempts: job.maxAttempts,
    nextAttemptAt: job.runAt,
    lockedUntil: job.claimFor.leaseUntil,
    lockedBy: job.claimFor.workerId,
  } as Job<K>;
}
