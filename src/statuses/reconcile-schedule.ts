// Runs reconciliation every RECONCILE_INTERVAL_SECONDS, once per interval across all instances.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Orm } from '../db/connection.js';
import { schedulePeriodicJob } from '../db/queue/schedule-periodic-job.js';
import type { IdSource } from '../ids.js';

export const reconcileJobKind = 'reconcile';

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    /** A periodic pass: nothing to carry. */
    reconcile: Record<string, never>;
  }
}

/** Returns a function that stops ticking. */
export function scheduleReconciliation(deps: {
  db: Orm;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  intervalSeconds: number;
}): () => void {
  return schedulePeriodicJob(deps, { kind: reconcileJobKind, intervalMs: deps.intervalSeconds * 1000 });
}
