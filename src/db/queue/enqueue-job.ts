// Inserts a job, usually in the same transaction as the change that makes it necessary.
import type { Executor } from '../connection.js';
import { insertJob } from '../sql/insert-job.js';
import { executeSql } from '../sql/statement.js';
import type { Job } from './job.js';
import type { JobKind } from './job-payloads.js';
import type { NewJob } from './new-job.js';

export type { NewJob };

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
