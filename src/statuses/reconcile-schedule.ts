// Runs reconciliation every RECONCILE_INTERVAL_SECONDS, once per interval across all instances.
import type { Logger } from 'pino';
import type { Clock, IdSource } from '../db/clock.js';
import type { Orm } from '../db/connection.js';
import { enqueueJob } from '../db/queue/enqueue-job.js';
import { notifyJobs } from '../db/queue/notify-jobs.js';

export const reconcileJobKind = 'reconcile';

/**
 * Every instance ticks, but the job's dedupe key names the interval slot, so only the first insert per
 * slot succeeds and one worker (whichever claims it) runs the pass. Returns a function that stops ticking.
 */
export function scheduleReconciliation(deps: {
  db: Orm;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  intervalSeconds: number;
}): () => void {
  if (deps.intervalSeconds <= 0) return () => {};
  const intervalMs = deps.intervalSeconds * 1000;
  const tick = async () => {
    const now = deps.clock.now();
    const slot = Math.floor(now.getTime() / intervalMs);
    try {
      await deps.db.transaction(async (tx) => {
        const inserted = await enqueueJob(
          tx,
          {
            id: deps.ids.next('job'),
            kind: reconcileJobKind,
            maxAttempts: 1,
            runAt: now,
            dedupeKey: `reconcile:${slot}`,
          },
          now,
        );
        if (inserted) await notifyJobs(tx);
      });
    } catch (error) {
      deps.logger.error({ err: error }, 'could not schedule reconciliation');
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
