// A `jobs` row as the statements that read every column of it answer it, in drizzle's shape.
import type { JobState, jobs } from '../schema.js';
import { jsonColumn } from './json-column.js';
import { nullableTimestampColumn, timestampColumn } from './timestamp-column.js';

export type JobRow = typeof jobs.$inferSelect;

const jobColumnNames = [
  'id',
  'kind',
  'campaign_id',
  'lead_id',
  'payload',
  'state',
  'attempts',
  'max_attempts',
  'next_attempt_at',
  'locked_until',
  'locked_by',
  'last_error',
  'last_http_status',
  'dedupe_key',
  'created_at',
  'updated_at',
  'finished_at',
];

/** The columns `jobRowFromRow` reads, one by one (of `table`, when given), for the reason leadColumnsText gives. */
export function jobColumnsText(table?: string): string {
  return jobColumnNames.map((column) => (table ? `${table}.${column}` : column)).join(', ');
}

/** One `jobs` row (snake_case columns) in drizzle's shape (camelCase, jsonb parsed, Dates). */
export function jobRowFromRow(raw: Record<string, unknown>): JobRow {
  return {
    id: raw.id as string,
    kind: raw.kind as string,
    campaignId: (raw.campaign_id as string | null) ?? null,
    leadId: (raw.lead_id as string | null) ?? null,
    payload: jsonColumn<JobRow['payload']>(raw.payload, {} as JobRow['payload']),
    state: raw.state as JobState,
    attempts: raw.attempts as number,
    maxAttempts: raw.max_attempts as number,
    nextAttemptAt: timestampColumn(raw.next_attempt_at),
    lockedUntil: nullableTimestampColumn(raw.locked_until),
    lockedBy: (raw.locked_by as string | null) ?? null,
    lastError: (raw.last_error as string | null) ?? null,
    lastHttpStatus: (raw.last_http_status as number | null) ?? null,
    dedupeKey: (raw.dedupe_key as string | null) ?? null,
    createdAt: timestampColumn(raw.created_at),
    updatedAt: timestampColumn(raw.updated_at),
    finishedAt: nullableTimestampColumn(raw.finished_at),
  };
}
