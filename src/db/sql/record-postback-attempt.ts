// Records one delivery attempt of a postback: the attempt's row, the job's new state and the audit row, in
// one statement (atomic; one round trip). Newer postbacks of the lead held behind this one go at once.
import { auditBatchInsertText } from './audit-batch-insert.js';
import { jobsChannel } from './notify-jobs.js';
import { jobOutcomeValues, type RecordJobOutcomeInput, recordJobOutcomeText } from './record-job-outcome.js';
import { releaseHeldPostbacksText, releaseWaitingValue } from './release-held-postbacks.js';
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
  /** Its lead, partner endpoint (null: the campaign's own postback) and place in the lead's sequence: newer ones held behind it are released. */
  sequence: { leadId: string | null; endpointId: string | null; seq: number };
}

export const recordPostbackAttempt = defineStatement<RecordPostbackAttemptInput>({
  name: 'record_postback_attempt',
  text: `with attempt as (
      insert into delivery_attempts (job_id, attempt, at, method, url, http_status, latency_ms, response_head, error)
      values ($1::text, $8::int, $2::timestamptz, $9::text, $10::text, $5::int, $11::int, $12::text, $13::text)),
    job_state as (${recordJobOutcomeText} returning id),
    audited as (${auditBatchInsertText('$14')}),
    released as (${releaseHeldPostbacksText({ at: '$2', leadId: '$15', endpointId: '$16', seq: '$17', waiting: '$18', ended: 'job_state' })}),
    notified as (select pg_notify('${jobsChannel}', '') where exists (select 1 from released where state = 'pending'))
  select (select count(*) from notified) as notified`,
  values: (input) => [
    ...jobOutcomeValues(input),
    input.attempt.number,
    input.attempt.method,
    input.attempt.url,
    input.attempt.latencyMs,
    input.attempt.responseHead,
    input.attempt.error,
    input.auditRows,
    input.sequence.leadId ?? '',
    input.sequence.endpointId,
    input.sequence.seq,
    releaseWaitingValue,
  ],
});
