// A job to insert: what the queue's producers hand to the insert statements.
import type { JobKind, JobPayloads } from './job-payloads.js';

interface NewJobFields {
  id: string;
  campaignId?: string | null;
  leadId?: string | null;
  maxAttempts: number;
  runAt: Date;
  dedupeKey?: string | null;
  /** Claim it for this worker at once (the caller runs the first attempt inline), until `leaseUntil`. */
  claimFor?: { workerId: string; leaseUntil: Date };
  /** Attempts already made (default 0; a claimed job is on its first). */
  attempts?: number;
  /** Recorded as never to run (`skipped`), with the reason as its last error. */
  skippedBecause?: string;
}

/** A job to insert, of kind K (any kind by default, told apart by `kind`), with that kind's payload. */
export type NewJob<K extends JobKind = JobKind> = {
  [Kind in K]: NewJobFields & { kind: Kind; payload: JobPayloads[Kind] };
}[K];
