// Queues one job of a kind per interval across all instances (reconciliation, the schema drift watch).
import type { Clock } from '../../clock.js';
import type { IdSource } from '../../ids.js';
import type { Orm } from '../connection.js';
import { enqueueJob } from './enqueue-job.js';
import type { JobKind, JobPayloads } from './job-payloads.js';

/** The kinds whose jobs carry nothing: a periodic pass. */
type PeriodicJobKind = { [K in JobKind]: JobPayloads[K] extends Record<string, never> ? K : never }[JobKind];

import { notifyJobs } from './notify-jobs.js';

/**
 * Every instance ticks, but the job's dedupe key names the interval slot, so only the first insert per
 * slot succeeds and one worker (whichever claims it) runs it. Returns a function that stops ticking.
 */
export function schedulePeriodicJob(
  deps: {
    db: Orm;
    clock: Clock;
    ids: IdSource;
    /** Hears a tick that could not queue its job (logged and counted by the caller); the next tick tries again. */
    reportBackgroundError: (where: 'periodic_job', error: unknown, context: { kind: string }) => void;
  },
  /** `atStart`: also queue one at once (deduped with the current slot), not only after the first interval. */
  options: { kind: PeriodicJobKind; intervalMs: number; atStart?: boolean },
): () => void {
  if (options.intervalMs <= 0) return () => {};
  const tick = async () => {
    const now = deps.clock.now();
    const slot = Math.floor(now.getTime() / options.intervalMs);
    try {
      await deps.db.transaction(async (tx) => {
        const inserted = await enqueueJob(
          tx,
          {
            id: deps.ids.next('job'),
            kind: options.kind,
            payload: {},
            maxAttempts: 1,
            runAt: now,
            dedupeKey: `${options.kind}:${slot}`,
          },
          now,
        );
        if (inserted) await notifyJobs(tx);
      });
    } catch (error) {
      deps.reportBackgroundError('periodic_job', error, { kind: options.kind });
    }
  };
  if (options.atStart) void tick();
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
