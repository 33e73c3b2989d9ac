// Writes a status change once its observation is recorded: the lead's status and label, the payout with its
// history entry, the postbacks it queues (superseding their endpoints' older waiting ones) and its audit
// row, in one statement: the change, its outbox jobs and its audit commit together.
import type { NewJob } from '../queue/new-job.js';
import { auditBatchInsertText } from './audit-batch-insert.js';
import { insertJobsText, jobInsertRow } from './insert-jobs.js';
import { jobsChannel } from './notify-jobs.js';
import { defineStatement } from './statement.js';

export interface RecordStatusChangeInput {
  leadId: string;
  statusId: string;
  label: string | null;
  comment: string | null;
  /** SalesRender's statusChangedAt, now the lead's. */
  changedAt: Date;
  at: Date;
  /** The history entry the observation wrote: the payout in force is recorded on it. */
  historyId: number;
  payout: { minor: number | null; currency: string } | null;
  /** Postbacks to queue (none when the label did not change or nobody wants it). */
  postbacks: NewJob<'postback'>[];
  /** The audit row (the audit writer's batchJson). */
  auditRows: string;
  /** Send NOTIFY (delivered at commit): a postback is queued for any worker to take. */
  wake: boolean;
}

export interface RecordStatusChangeRow {
  /** Postbacks inserted (one with an existing dedupe key is not). */
  queued: number;
  /** Older waiting postbacks marked superseded. */
  superseded: number;
}

/**
 * Each new postback supersedes the older ones to its endpoint (`payload.endpoint_id`, null: the campaign's
 * own) still waiting: pending, not in flight. A running one is checked before it sends
 * (newer-postback-delivered.ts); endpoints never supersede each other. The CTEs share one snapshot, so
 * the postbacks inserted here are not among those superseded.
 */
export const recordStatusChange = defineStatement<RecordStatusChangeInput, RecordStatusChangeRow>({
  name: 'record_status_change',
  text: `with updated as (
      update leads set status_id = $2::text, label = $3::text, comment = $4::text,
        status_changed_at = $5::timestamptz, updated_at = $6::timestamptz
      where id = $1::text),
    paid as (
      update lead_status_history set payout_minor = $8::bigint, payout_currency = $9::text
      where id = $7::bigint),
    queued as (${insertJobsText('$10')} returning id),
    superseded as (
      update jobs set state = 'superseded', finished_at = $6::timestamptz, updated_at = $6::timestamptz,
        last_error = 'superseded by ' || newer.id
      from json_to_recordset($10::json) as newer (id text, payload jsonb)
      where jobs.kind = 'postback' and jobs.lead_id = $1::text and jobs.state = 'pending' and jobs.id <> newer.id
        and jobs.payload->>'endpoint_id' is not distinct from newer.payload->>'endpoint_id'
      returning jobs.id),
    audited as (${auditBatchInsertText('$11')}),
    notified as (select pg_notify('${jobsChannel}', '') where $12::boolean)
  select (select count(*) from queued)::int as queued, (select count(*) from superseded)::int as superseded,
    (select count(*) from notified) as notified`,
  values: (input) => [
    input.leadId,
    input.statusId,
    input.label,
    input.comment,
    input.changedAt.toISOString(),
    input.at.toISOString(),
    input.historyId,
    input.payout?.minor ?? null,
    input.payout?.currency ?? null,
    JSON.stringify(input.postbacks.map((postback) => jobInsertRow(postback, input.at))),
    input.auditRows,
    input.wake,
  ],
  row: (raw) => ({ queued: Number(raw.queued), superseded: Number(raw.superseded) }),
});
