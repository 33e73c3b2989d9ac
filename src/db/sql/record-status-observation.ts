// Locks a lead and records one observed status in its history; with it, the bookkeeping of the job that
// observed it (its completion and its audit rows), so they commit with the change in one round trip.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { leadColumnsText } from './lead-row.js';
import { defineStatement } from './statement.js';

export interface RecordStatusObservationInput {
  leadId: string;
  statusId: string;
  /** The label the campaign maps the status to (null: unmapped). */
  label: string | null;
  comment: string | null;
  source: string;
  /** SalesRender's statusChangedAt: with the status id, the identity of a change. */
  changedAt: Date;
  recordedAt: Date;
  /** The job that observed it, completed here while its worker still holds it (null: none). */
  finishJob: { id: string; lockedBy: string | null; at: Date } | null;
  /** Audit rows written with it (the audit writer's batchJson; `[]` for none). */
  auditRows: string;
}

export interface RecordStatusObservationRow {
  /** The lead as locked, every column (leadFromRow reads it). */
  lead: Record<string, unknown>;
  /** The history entry written; null when this observation was recorded before (a repeat). */
  historyId: number | null;
}

/**
 * The lead is locked FOR UPDATE before anything is decided: two workers applying changes to one order
 * must see each other's result, or an older status could overwrite a newer one. The history row's unique
 * key (lead, status id, changed at) makes a repeat a no-op (no id returned). No row: the lead is gone.
 */
export const recordStatusObservation = defineStatement<
  RecordStatusObservationInput,
  RecordStatusObservationRow
>({
  name: 'record_status_observation',
  text: `with audited as (${auditBatchInsertText('$8')}),
    finished as (
      update jobs set state = 'done', finished_at = $11::timestamptz, updated_at = $11::timestamptz,
        locked_until = null, last_error = null, last_http_status = null
      where id = $9::text and state = 'running' and locked_by = $10::text),
    lead as (select ${leadColumnsText()} from leads where id = $1::text for update),
    recorded as (
      insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at, recorded_at)
      select id, $2::text, $3::text, $4::text, $5::text, $6::timestamptz, $7::timestamptz from lead
      on conflict do nothing
      returning id)
  select ${leadColumnsText('lead')}, (select id from recorded) as history_id from lead`,
  values: (input) => [
    input.leadId,
    input.statusId,
    input.label,
    input.comment,
    input.source,
    input.changedAt.toISOString(),
    input.recordedAt.toISOString(),
    input.auditRows,
    input.finishJob?.id ?? null,
    input.finishJob?.lockedBy ?? '',
    input.finishJob?.at.toISOString() ?? null,
  ],
  row: ({ history_id, ...lead }) => ({
    lead,
    historyId: history_id === null || history_id === undefined ? null : Number(history_id),
  }),
});
