// The durable job: what the queue stores and hands to handlers.
import type { JobState } from '../schema.js';
import type { JobKind, JobPayloads } from './job-payloads.js';

interface JobFields {
  id: string;
  campaignId: string | null;
  leadId: string | null;
  state: JobState;
  /** Counted at claim time: the attempt now running is number `attempts`. */
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  lockedBy: string | null;
}

/** A job of kind K (of any kind by default, told apart by `kind`), with that kind's payload. */
export type Job<K extends JobKind = JobKind> = {
  [Kind in K]: JobFields & { kind: Kind; payload: JobPayloads[Kind] };
}[K];

/**
 * Maps a raw `jobs` row (snake_case, from hand-written SQL) to a Job. The row's kind and payload are
 * trusted as the queue wrote them: only `NewJob`s, typed per kind, are ever inserted.
 */
export function jobFromRow(row: Record<string, unknown>): Job {
  return {
    id: String(row.id),
    kind: String(row.kind) as JobKind,
    campaignId: (row.campaign_id as string | null) ?? null,
    leadId: (row.lead_id as string | null) ?? null,
    payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as never,
    state: row.state as JobState,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    nextAttemptAt: new Date(row.next_attempt_at as string | Date),
    lockedUntil: row.locked_until ? new Date(row.locked_until as string | Date) : null,
    lockedBy: (row.locked_by as string | null) ?? null,
  };
}

/**
 * A retry schedule: delay before attempt n+1 after attempt n failed is `delaysMs[n-1]`
 * (the last entry repeats), with +/- `jitter` spread so retries of many jobs do not arrive together.
 */
export interface RetrySchedule {
  delaysMs: readonly number[];
  maxAttempts: number;
  jitter: number;
}

export function retryDelayMs(schedule: RetrySchedule, attempts: number, random: () => number): number {
  const index = Math.min(Math.max(attempts - 1, 0), schedule.delaysMs.length - 1);
  const base = schedule.delaysMs[index] ?? 0;
  return Math.round(base * (1 + schedule.jitter * (2 * random() - 1)));
}
