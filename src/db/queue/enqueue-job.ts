// Inserts a job, usually in the same transaction as the change that makes it necessary.
import type { Executor } from '../connection.js';
import { jobs } from '../schema.js';

export interface NewJob {
  id: string;
  kind: string;
  campaignId?: string | null;
  leadId?: string | null;
  payload?: Record<string, unknown>;
  maxAttempts: number;
  runAt: Date;
  dedupeKey?: string | null;
  /** Claim it for this worker at once (the caller runs the first attempt inline), until `leaseUntil`. */
  claimFor?: { workerId: string; leaseUntil: Date };
}

/** Returns false when a job with the same `dedupeKey` exists already (nothing inserted). */
export async function enqueueJob(db: Executor, job: NewJob, now: Date): Promise<boolean> {
  const inserted = await db
    .insert(jobs)
    .values({
      id: job.id,
      kind: job.kind,
      campaignId: job.campaignId ?? null,
      leadId: job.leadId ?? null,
      payload: job.payload ?? {},
      state: job.claimFor ? 'running' : 'pending',
      attempts: job.claimFor ? 1 : 0,
      maxAttempts: job.maxAttempts,
      nextAttemptAt: job.runAt,
      lockedUntil: job.claimFor?.leaseUntil ?? null,
      lockedBy: job.claimFor?.workerId ?? null,
      dedupeKey: job.dedupeKey ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: jobs.id });
  return inserted.length > 0;
}
