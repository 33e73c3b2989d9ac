// Completes a job and writes its audit rows in one statement: the job's outcome and what it saw commit together.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { defineStatement } from './statement.js';

export interface CompleteJobWithAuditInput {
  /** Completed only while its worker still holds it: a late answer after the lease was swept changes nothing. */
  job: { id: string; lockedBy: string | null };
  at: Date;
  /** The audit writer's batchJson. */
  auditRows: string;
}

export const completeJobWithAudit = defineStatement<CompleteJobWithAuditInput>({
  name: 'complete_job_with_audit',
  text: `with finished as (
      update jobs set state = 'done', finished_at = $2::timestamptz, updated_at = $2::timestamptz,
        locked_until = null, last_error = null, last_http_status = null
      where id = $1::text and state = 'running' and locked_by = $3::text),
    audited as (${auditBatchInsertText('$4')})
  select 1`,
  values: (input) => [input.job.id, input.at.toISOString(), input.job.lockedBy ?? '', input.auditRows],
});
