// Records orders created by the intake's inline attempts: each lead's new state, its first status history
// entry, its postbacks and the audit rows, for several leads in one statement.

import type { NewJob } from '../queue/new-job.js';
import { auditBatchInsertText } from './audit-batch-insert.js';
import { insertJobsText, jobInsertRow } from './insert-jobs.js';
import { jobsChannel } from './notify-jobs.js';
import { defineStatement } from './statement.js';

/** One order's creation (see record-order-created-by-job.ts for the fields). */
export interface CreatedOrder {
  leadId: string;
  orderId: string;
  /** The CRM's initial status (null for the CPA module: no history entry then). */
  statusId: string | null;
  label: string;
  at: Date;
  payout: { minor: number | null; currency: string } | null;
  /** The postbacks for the starting label, queued (never claimed) at `at`, as insert-jobs.ts writes every job. */
  postbacks: NewJob[];
}

export interface RecordOrdersCreatedInput {
  orders: CreatedOrder[];
  /** The audit rows, as the audit writer's batchJson made them. */
  auditRows: string;
}

/**
 * Several leads' creations in one statement whose text never changes: $1 the creations as JSON, $2 the
 * audit rows (the audit writer's batchJson), $3 the postbacks. One JSON parameter rather than arrays, so PostgreSQL
 * plans it once (see store-lead.ts). Answers the ids of the leads it recorded.
 *
 * Only a lead still held by its inline attempt is recorded (`queued`, its inline lease not yet taken by
 * the sweep in lead-write-protocol.ts); its history entry and postback hang off that update. A lead
 * the sweep has handed to a worker job is the job's: the job looks the order up as an in-doubt create.
 * This matters when the record comes late (the database was away: record-created-order-later.ts), or a
 * SalesRender call outlived its lease; the audit rows are written either way (the call did happen).
 *
 * The leads are found by `id = any(array(...))` on top of the join: PostgreSQL guesses 100 rows for any
 * json_to_recordset, and joining 100 rows to a leads table of 15,000 it chose a hash join over a full scan
 * of leads, so every creation read the whole table, costing more as the table grows. An array
 * condition is planned as an index lookup on the primary key whatever the table's size
 * (test/integration/hot-statement-plans.test.ts). A plan made while the table was nearly empty still
 * scans it, until an ANALYZE (autovacuum's) re-plans the statement: README, operations.
 */
export const recordOrdersCreated = defineStatement<RecordOrdersCreatedInput, { leadId: string }>({
  name: 'record_orders_created',
  text: `with created as (
    select * from json_to_recordset($1::json) as created (id text, order_id text, status_id text, label text,
      at timestamptz, payout_minor bigint, payout_currency text)),
  created_lead as (
    update leads set state = 'created', order_id = created.order_id, status_id = created.status_id,
      label = created.label, error_code = null, error_message = null, inline_lease_until = null,
      updated_at = created.at
    from created where leads.id = created.id and leads.id = any (array(select id from created))
      and leads.state = 'queued' and leads.inline_lease_until is not null
    returning leads.id),
  first_status as (insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at,
      recorded_at, payout_minor, payout_currency)
    select id, status_id, label, null, 'created', at, at, payout_minor, payout_currency from created
    where status_id is not null and id in (select id from created_lead)
    on conflict do nothing),
  audited as (${auditBatchInsertText('$2')}),
  postbacks as (${insertJobsText('$3', 'job.lead_id in (select id from created_lead)')} returning state),
  notified as (
    select pg_notify('${jobsChannel}', '') from (select 1) as one
    where exists (select 1 from postbacks where state = 'pending'))
  select id, (select count(*) from notified) as notified from created_lead`,
  values: (input) => [
    JSON.stringify(
      input.orders.map((order) => ({
        id: order.leadId,
        order_id: order.orderId,
        status_id: order.statusId,
        label: order.label,
        at: order.at.toISOString(),
        payout_minor: order.payout?.minor ?? null,
        payout_currency: order.payout?.currency ?? null,
      })),
    ),
    input.auditRows,
    JSON.stringify(
      input.orders.flatMap(({ postbacks, at }) => postbacks.map((postback) => jobInsertRow(postback, at))),
    ),
  ],
  row: (raw) => ({ leadId: String(raw.id) }),
});
