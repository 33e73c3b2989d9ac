// Records one delivery attempt of a postback: the attempt's row, the job's new state and the audit row, in
// one statement (atomic; one round trip).
import { auditBatchInsertText } from './audit-batch-insert.js';
import { jobOutcomeValues, type RecordJobOutcomeInput, recordJobOutcomeText } from './record-job-outcome.js';
import { defineStatement } from './statement.js';

export interface RecordPostbackAttemptInput extends RecordJobOutcomeInput {
  attempt: {
    number: number;
    method: string;
    /** Redacted: no secret of the URL is stored. */
    url: string;
    latencyMs: number | null;
    responseHead: string | null;
    /** Null when delivered. */
    error: string | null;
  };
  /** The audit writer's batchJson. */
  auditRows: string;
}

export const recordPostbackAttempt = defineStatement<RecordPostbackAttemptInput>({
  name: 'record_postback_attempt',
  text: `with attempt as (
      insert into delivery_attempts (job_id, attempt, at, method, url, http_status, latency_ms, response_head, error)
      values ($1::text, $8::int, $2::timestamptz, $9::text, $10::text, $5::int, $11::int, $12::text, $13::text)),
    job_state as (${recordJobOutcomeText}),
    audited as (${auditBatchInsertText('$14')})
  select 1`,
  values: (input) => [
    ...jobOutcomeValues(input),
    input.attempt.number,
    input.attempt.method,
    input.attempt.url,
    input.attempt.latencyMs,
    input.attempt.responseHead,
    input.attempt.error,
    input.auditRows,
  ],
});
