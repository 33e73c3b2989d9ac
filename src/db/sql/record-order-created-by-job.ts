// Records an order its create_order job made: the lead's new state, the job's completion, the first status
// history entry, the postbacks and the audit rows, in one statement (atomic as a transaction).

import { auditBatchInsertText } from './audit-batch-insert.js';
import { insertJobsText, jobInsertRow } from './insert-jobs.js';
import { jobsChannel } from './notify-jobs.js';
import type { CreatedOrder } from './record-orders-created.js';
import { defineStatement } from './statement.js';

export interface RecordOrderCreatedByJobInput {
  order: CreatedOrder;
  /** The job that made it, finished only while still held by the worker running it. */
  job: { id: string; lockedBy: string | null };
  /** The audit rows (SalesRender exchanges, then `order.created`), as the audit writer's batchJson made them. */
  auditRows: string;
}

/**
 * Unlike the intake's `recordOrdersCreated`, the lead is updated whatever its state: the job owns it. The
 * history entry is on our clock; status_changed_at stays null so that only SalesRender's own timestamps
 * are ever compared with each other. NOTIFY (delivered at commit) when a postback is queued to be sent.
 */
export const recordOrderCreatedByJob = defineStatement<RecordOrderCreatedByJobInput>({
  name: 'record_order_created_by_job',
  text: `with created_lead as (
      update leads set state = 'created', order_id = $2::text, status_id = $3::text, label = $4::text,
        error_code = null, error_message = null, inline_lease_until = null, updated_at = $5::timestamptz
      where id = $1::text),
    finished_job as (
      update jobs set state = 'done', finished_at = $5::timestamptz, updated_at = $5::timestamptz,
        locked_until = null, last_error = null, last_http_status = null
      where id = $8::text and state = 'running' and locked_by = $9::text),
    first_status as (
      insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at, recorded_at,
        payout_minor, payout_currency)
      select $1::text, $3::text, $4::text, null, 'created', $5::timestamptz, $5::timestamptz, $6::bigint, $7::text
      where $3::text is not null
      on conflict do nothing),
    postbacks as (${insertJobsText('$10')}),
    audited as (${auditBatchInsertText('$11')}),
    notified as (select pg_notify('${jobsChannel}', '') where $12::boolean)
  select (select count(*) from notified) as notified`,
  values: ({ order, job, auditRows }) => [
    order.leadId,
    order.orderId,
    order.statusId,
    order.label,
    order.at.toISOString(),
    order.payout?.minor ?? null,
    order.payout?.currency ?? null,
    job.id,
    job.lockedBy ?? '',
    JSON.stringify(order.postbacks.map((postback) => jobInsertRow(postback, order.at))),
    auditRows,
    order.postbacks.some((postback) => !postback.skippedBecause),
  ],
});
