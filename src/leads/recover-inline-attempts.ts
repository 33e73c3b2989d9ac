// Gives a create_order job to each lead whose inline SalesRender attempt died with its process.
import { sql } from 'drizzle-orm';
import { type Orm, queryRows } from '../db/connection.js';
import { jobInsertSql } from '../db/queue/enqueue-job.js';
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
    const abandoned = await queryRows<{
      id: string;
      campaign_id: string;
      created_at: string | Date;
      request_id: string | null;
    }>(
      tx,
      sql`update leads set inline_lease_until = null
        where id in (
          select id from leads
          where state = 'queued' and inline_lease_until is not null and inline_lease_until < ${now.toISOString()}
          order by inline_lease_until
          limit ${batchSize}
          for update skip locked)
        returning id, campaign_id, created_at,
          (select request_id from audit_log
            where audit_log.lead_id = leads.id and event = 'lead.accepted' limit 1) as request_id`,
    );
    for (const lead of abandoned) {
      await tx.execute(
        jobInsertSql(
          {
            id: ids.next('job'),
            kind: createOrderJobKind,
            campaignId: lead.campaign_id,
            leadId: lead.id,
            // The process died during the call: SalesRender may have made the order (in-doubt create).
            payload: { requestId: lead.request_id, inDoubtSince: new Date(lead.created_at).toISOString() },
            maxAttempts: createOrderRetrySchedule.maxAttempts,
            runAt: now,
            dedupeKey: `${createOrderJobKind}:${lead.id}`,
            // The attempt that died was the first.
            attempts: 1,
          },
          now,
        ),
      );
    }
    return abandoned.length;
  });
}
