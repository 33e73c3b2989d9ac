// The jobs INSERT that statements of fixed text embed, reading the new jobs from one JSON parameter.
import type { NewJob } from '../queue/new-job.js';

/** A new job as its JSON row: the keys are the column list of `insertJobsText`. */
export interface JobInsertRow {
  id: string;
  kind: string;
  campaign_id: string | null;
  lead_id: string | null;
  payload: unknown;
  state: 'pending' | 'running' | 'skipped';
  attempts: number;
  max_attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  locked_by: string | null;
  dedupe_key: string | null;
  last_error: string | null;
  finished_at: string | null;
  at: string;
}

/**
 * The row of `job` inserted at `now`: pending, or `running` already claimed for a worker (`claimFor`, on
 * its first attempt), or `skipped` for good with its reason as its last error.
 */
export function jobInsertRow(job: NewJob, now: Date): JobInsertRow {
  const at = now.toISOString();
  return {
    id: job.id,
    kind: job.kind,
    campaign_id: job.campaignId ?? null,
    lead_id: job.leadId ?? null,
    payload: job.payload,
    state: job.skippedBecause ? 'skipped' : job.claimFor ? 'running' : 'pending',
    attempts: job.claimFor ? Math.max(job.attempts ?? 1, 1) : (job.attempts ?? 0),
    max_attempts: job.maxAttempts,
    next_attempt_at: job.runAt.toISOString(),
    locked_until: job.claimFor?.leaseUntil.toISOString() ?? null,
    locked_by: job.claimFor?.workerId ?? null,
    dedupe_key: job.dedupeKey ?? null,
    last_error: job.skippedBecause ?? null,
    finished_at: job.skippedBecause ? at : null,
    at,
  };
}

/**
 * Inserts the jobs of JSON parameter `param` (rows of `jobInsertRow`), each unless a job with its
 * `dedupe_key` exists (ON CONFLICT DO NOTHING). With `where`, only the rows it admits (`job.` names a row).
 * Built once, when a statement's text is defined.
 */
export function insertJobsText(param: string, where?: string): string {
  return `insert into jobs (id, kind, campaign_id, lead_id, payload, state, attempts, max_attempts,
      next_attempt_at, locked_until, locked_by, dedupe_key, created_at, updated_at, last_error, finished_at)
    select id, kind, campaign_id, lead_id, payload, state, attempts, max_attempts, next_attempt_at, locked_until,
      locked_by, dedupe_key, at, at, last_error, finished_at
    from json_to_recordset(${param}::json) as job (id text, kind text, campaign_id text, lead_id text,
      payload jsonb, state text, attempts int, max_attempts int, next_attempt_at timestamptz,
      locked_until timestamptz, locked_by text, dedupe_key text, last_error text, finished_at timestamptz,
      at timestamptz)
    ${where ? `where ${where}` : ''}
    on conflict do nothing`;
}
