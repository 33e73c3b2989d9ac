// Marks a postback its worker holds as superseded (a newer one of its lead was queued), with its audit row.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { jobsChannel } from './notify-jobs.js';
import { releaseHeldPostbacksText, releaseWaitingValue } from './release-held-postbacks.js';
import { defineStatement } from './statement.js';

export interface SupersedePostbackInput {
  /** Changed only while its worker still holds it. */
  job: { id: string; lockedBy: string | null; leadId: string | null };
  /** Its partner endpoint (null: the campaign's own postback) and its place in the lead's sequence. */
  endpointId: string | null;
  seq: number;
  at: Date;
  reason: string;
  /** The audit writer's batchJson. */
  auditRows: string;
}

/**
 * One statement: the job never runs again and the audit says why, together. A newer postback of the lead
 * that saw this one claimed and went to wait for it (hold-postback-behind-older.ts) is due at once: this
 * one will never be sent, so there is nothing left to wait for, and the workers are woken for it.
 */
export const supersedePostback = defineStatement<SupersedePostbackInput>({
  name: 'supersede_postback',
  text: `with superseded as (
      update jobs set state = 'superseded', finished_at = $2::timestamptz, locked_until = null, locked_by = null,
        last_error = $3::text, updated_at = $2::timestamptz
      where id = $1::text and state = 'running' and locked_by = $4::text
      returning id),
    released as (${releaseHeldPostbacksText({ at: '$2', leadId: '$6', endpointId: '$7', seq: '$8', waiting: '$9', ended: 'superseded' })}),
    audited as (${auditBatchInsertText('$5')}),
    notified as (select pg_notify('${jobsChannel}', '') where exists (select 1 from released where state = 'pending'))
  select (select count(*) from notified) as notified`,
  values: (input) => [
    input.job.id,
    input.at.toISOString(),
    input.reason,
    input.job.lockedBy ?? '',
    input.auditRows,
    input.job.leadId ?? '',
    input.endpointId,
    input.seq,
    releaseWaitingValue,
  ],
});
