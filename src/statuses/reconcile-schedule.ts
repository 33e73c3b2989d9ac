// Runs reconciliation every RECONCILE_INTERVAL_SECONDS, once per interval across all instances.
import { schedulePeriodicJob } from '../db/queue/schedule-periodic-job.js';

export const reconcileJobKind = 'reconcile';

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    /** A periodic pass: nothing to carry. */
    reconcile: Record<string, never>;
  }
}

/** Returns a function that stops ticking. */
export function scheduleReconciliation(
  deps: Parameters<typeof schedulePeriodicJob>[0] & { intervalSeconds: number },
): () => void {
  return schedulePeriodicJob(deps, { kind: reconcileJobKind, intervalMs: deps.intervalSeconds * 1000 });
}
