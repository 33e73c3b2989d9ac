// The order of a lead's writes and what survives a crash at each step: the one place that decides it.
//
// 1. Received. The raw request's audit row is written by the first statement that stores anything for the
//    request, in that statement (ReceivedRequest, src/audit/received-request.ts); a request refused
//    before then gets it from its refusal (src/http/error-renderer.ts). No lead is stored unrecorded.
// 2. Inline. One statement stores the lead `queued` with `inline_lease_until` = now + JOB_LEASE_MS, its cap
//    slot and its acceptance (store-lead.ts). The first attempt's job is NOT written: it exists only in
//    this process's memory (`startInlineAttempt`), and the lead's lease stands for it. One SalesRender
//    call follows, outside any transaction (create-order.ts).
// 3. Out of inline, one of:
//    - created: the order, its first history entry, postbacks and audit rows are written in one
//      statement that clears the lease, and only while the lead is still leased inline
//      (`recordInlineCreation`); if the database is away just then, the write is retried in the
//      background while the lease lasts (record-created-order-later.ts);
//    - attempt failed: the job is written as it ran (claimed, attempt 1, in doubt when the call's outcome
//      is unknown) with the lead's new state and the lease cleared, in one transaction
//      (`jobAfterFailedInlineAttempt`, record-create-failure.ts); the job worker makes the retries;
//    - lease passed: the process died, or its call or its write outlived the lease. The sweep
//      (`recoverInlineAttempts`) clears the lease and writes the job (attempt 1, in doubt), so the
//      worker first looks for an order the dead call may have made before sending again.
// What the sweep may assume: a `queued` lead with a lease in the past has no job row, and no attempt
// that can still record anything: both writes of step 3 record only a lead still leased inline (the
// created statement checks it; a failure first locks the leased row, `holdInlineLease`), so once the
// sweep has cleared the lease a late outcome is not written and the job finds the truth instead. A call
// normally ends well within its lease (JOB_LEASE_MS is kept above twice SALESRENDER_TIMEOUT_MS, and the
// service warns at start otherwise); one that outlives it, through a slow database or a stalled process,
// has its order found by the job's in-doubt look-up, or, for a campaign whose orders carry no reference
// to the lead, made twice. Only the sweep and the writes of step 3 clear a lease, under the lead's row
// lock, so one lead never gets two jobs (the job's dedupe key guards that too).
import type { Logger } from 'pino';
import type { ReportBackgroundError } from '../background-errors.js';
import type { Clock } from '../clock.js';
import type { Executor, Orm } from '../db/connection.js';
import { isDatabaseUnavailable } from '../db/database-availability.js';
import { claimedJob, type NewJob } from '../db/queue/enqueue-job.js';
import type { Job } from '../db/queue/job.js';
import { insertJob } from '../db/sql/insert-job.js';
import { lockInlineLead } from '../db/sql/lock-inline-lead.js';
import { releaseAbandonedInlineLeads } from '../db/sql/release-abandoned-inline-leads.js';
import { executeSql } from '../db/sql/statement.js';
import type { IdSource } from '../ids.js';
import { createOrderJobKind, createOrderRetrySchedule } from './create-order-job.js';
import type { LeadRow } from './lead-repository.js';
import { recordCreatedOrderLater } from './record-created-order-later.js';
import type { OrderCreatedRecord, OrderCreatedWriter } from './record-order-created.js';

/** Where a lead stands in the steps above, read off its row. */
export type LeadWriteStage =
  /** Step 2: this or another process is making the first attempt; no job row. */
  | { stage: 'inline'; leaseUntil: Date }
  /** Queued with a job row carrying its attempts (after a failed first attempt, or the sweep). */
  | { stage: 'job' }
  /** Finished: the order is recorded, or SalesRender refused the lead, or its attempts ran out. */
  | { stage: 'created' | 'rejected' | 'failed' };

export function leadWriteStage(lead: Pick<LeadRow, 'state' | 'inlineLeaseUntil'>): LeadWriteStage {
  if (lead.state !== 'queued') return { stage: lead.state };
  return lead.inlineLeaseUntil ? { stage: 'inline', leaseUntil: lead.inlineLeaseUntil } : { stage: 'job' };
}

/** The first attempt of a lead just stored (step 2): its job, claimed by this process and kept in memory. */
export interface InlineAttempt {
  /** The job as it would be inserted; written only if the attempt fails (`jobAfterFailedInlineAttempt`). */
  unsavedJob: NewJob<'create_order'> & { claimFor: { workerId: string; leaseUntil: Date } };
  /** The same job as the attempt runs it (claimed, attempt 1). */
  job: Job<'create_order'>;
  /** The lead's `inline_lease_until`: stored with the lead, and the end of this process's claim on it. */
  leaseUntil: Date;
  /** Where a created order is recorded: shared with concurrent leads' (record-order-created.ts). */
  ordersCreated: OrderCreatedWriter;
}

export function startInlineAttempt(
  deps: { ids: IdSource; workerId: string; leaseMs: number; ordersCreated: OrderCreatedWriter },
  lead: { id: string; campaignId: string; requestId: string },
  now: Date,
): InlineAttempt {
  const leaseUntil = new Date(now.getTime() + deps.leaseMs);
  const unsavedJob = {
    id: deps.ids.next('job'),
    kind: createOrderJobKind,
    campaignId: lead.campaignId,
    leadId: lead.id,
    payload: { requestId: lead.requestId },
    maxAttempts: createOrderRetrySchedule.maxAttempts,
    runAt: now,
    dedupeKey: `${createOrderJobKind}:${lead.id}`,
    claimFor: { workerId: deps.workerId, leaseUntil },
  } satisfies InlineAttempt['unsavedJob'];
  return { unsavedJob, job: claimedJob(unsavedJob), leaseUntil, ordersCreated: deps.ordersCreated };
}

/**
 * Step 3, created: records the order unless the lease has passed. `recorded`: the lead is `created`;
 * `recording_later`: the database is away, the write is retried while the lease lasts (and after it the
 * worker looks the order up); `lease_passed`: the sweep gave the lead a job, which looks the order up.
 */
export async function recordInlineCreation(
  deps: { clock: Clock; logger: Logger; reportBackgroundError: ReportBackgroundError },
  attempt: InlineAttempt,
  record: OrderCreatedRecord,
): Promise<'recorded' | 'recording_later' | 'lease_passed'> {
  let recorded: boolean;
  try {
    recorded = await attempt.ordersCreated.submit(record);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    void recordCreatedOrderLater(deps, attempt.ordersCreated, record, attempt.leaseUntil);
    return 'recording_later';
  }
  if (recorded) return 'recorded';
  deps.logger.warn(
    { leadId: record.leadId, orderId: record.orderId },
    "an order was made after the lead's inline lease had passed; the worker records it",
  );
  return 'lease_passed';
}

/**
 * Step 3, attempt failed: whether this attempt may still record its failure, i.e. the lead is still leased
 * inline; if so, its row stays locked until `tx` ends, so the sweep cannot take it meanwhile. False: the
 * lease passed and the sweep's job owns the lead (it may even have created the order): nothing of this
 * attempt is recorded but its SalesRender exchange.
 */
export async function holdInlineLease(tx: Executor, leadId: string): Promise<boolean> {
  return (await executeSql(tx, lockInlineLead, { leadId })).length > 0;
}

/**
 * Step 3, attempt failed: the job to write with the failure's outcome, as it ran. An in-doubt call (its
 * outcome unknown) is noted, so the next attempt looks for the order it may have made before sending.
 */
export function jobAfterFailedInlineAttempt(
  attempt: InlineAttempt,
  inDoubtSince: Date | null,
): NewJob<'create_order'> {
  const job = attempt.unsavedJob;
  return inDoubtSince
    ? { ...job, payload: { ...job.payload, inDoubtSince: inDoubtSince.toISOString() } }
    : job;
}

/** At most this many leads per sweep, so one sweep stays a short transaction after a mass crash. */
const sweepBatchSize = 500;

/**
 * Step 3, lease passed: gives each `queued` lead whose inline lease has passed a pending job, counting the
 * attempt that died as the first and marking it in doubt; the usual retries take over. Rows are locked
 * SKIP LOCKED, so instances sweeping at once never give one lead two jobs. Returns how many it took.
 */
export async function recoverInlineAttempts(db: Orm, options: { now: Date; ids: IdSource }): Promise<number> {
  const { now, ids } = options;
  return db.transaction(async (tx) => {
    const abandoned = await executeSql(tx, releaseAbandonedInlineLeads, { now, limit: sweepBatchSize });
    for (const lead of abandoned) {
      await executeSql(tx, insertJob, {
        now,
        job: {
          id: ids.next('job'),
          kind: createOrderJobKind,
          campaignId: lead.campaignId,
          leadId: lead.id,
          payload: { requestId: lead.requestId, inDoubtSince: lead.createdAt.toISOString() },
          maxAttempts: createOrderRetrySchedule.maxAttempts,
          runAt: now,
          dedupeKey: `${createOrderJobKind}:${lead.id}`,
          attempts: 1,
        },
      });
    }
    return abandoned.length;
  });
}
