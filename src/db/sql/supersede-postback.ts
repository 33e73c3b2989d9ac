// Marks a postback its worker holds as superseded (a newer one of its lead was queued), with its audit row.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { defineStatement } from './statement.js';

export interface SupersedePostbackInput {
  /** Changed only while its worker still holds it. */
  job: { id: string; lockedBy: string | null };
  at: Date;
  reason: string;
  /** The audit writer's batchJson. */
  auditRows: string;
}

/** One statement: the job never runs again and the audit says why, together. */
export const supersedePostback = defineStatement<SupersedePostbackInput>({
  name: 'supersede_postback',
  text: `with superseded as (
      update jobs set state = 'superseded', finished_at = $2::timestamptz, locked_until = null, locked_by = null,
        last_error = $3::text, updated_at = $2::timestamptz
      where id = $1::text and state = 'running' and locked_by = $4::text),
    audited as (${auditBatchInsertText('$5')})
  select 1`,
  values: (input) => [
    input.job.id,
    input.at.toISOString(),
    input.reason,
    input.job.lockedBy ?? '',
    input.auditRows,
  ],
});
