// Gives a create_order job to each lead whose inline SalesRender attempt died with its process.
import type { Orm } from '../db/connection.js';
import { insertJob } from '../db/sql/insert-job.js';
import { releaseAbandonedInlineLeads } from '../db/sql/release-abandoned-inline-leads.js';
import { executeSql } from '../db/sql/statement.js';
import type { IdSource } from '../ids.js';
import { createOrderJobKind, createOrderRetrySchedule } from './create-order.js';

/** At most this many leads per sweep, so one sweep stays a short transaction after a mass crash. */
const batchSize = 500;

/**
 * The intake makes its first SalesRender attempt inline, leased on the lead (`inline_lease_until`);
 * success and failure both clear the lease in the statement that records them. A lead still `queued`
 * after its lease has passed was being sent by a process that died: it gets a pending job (that attempt
 * counted as the first, like a job whose lease expired), and the usual retries take over. Rows are locked
 * `SKIP LOCKED`, so several instances sweeping at once never give one lead two jobs (the job's dedupe key
 * is the second guard). Returns how many leads were recovered.
 */
export async function recoverInlineAttempts(db: Orm, options: { now: Date; ids: IdSource }): Promise<number> {
  const { now, ids } = options;
  return db.transaction(async (tx) => {
    const abandoned = await executeSql(tx, releaseAbandonedInlineLeads, { now, limit: batchSize });
    for (const lead of abandoned) {
      await executeSql(tx, insertJob, {
        now,
        job: {
          id: ids.next('job'),
          kind: createOrderJobKind,
          campaignId: lead.campaignId,
          leadId: lead.id,
          // The process died during the call: SalesRender may have made the order (in-doubt create).
          payload: { requestId: lead.requestId, inDoubtSince: lead.createdAt.toISOString() },
          maxAttempts: createOrderRetrySchedule.maxAttempts,
          runAt: now,
          dedupeKey: `${createOrderJobKind}:${lead.id}`,
          // The attempt that died was the first.
          attempts: 1,
        },
      });
    }
    return abandoned.length;
  });
}
