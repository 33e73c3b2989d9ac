// Keeps the embedded database healthy: PGlite has no autovacuum, so the worker's sweep vacuums it on a schedule.
import type { Logger } from 'pino';
import type { Database } from './connection.js';

/**
 * A worker sweep (see JobWorker `sweeps`) that runs `database.vacuum()` once every `intervalMs`, the
 * first time one interval after start. Returns 0: it recovers no work. A failed vacuum is logged and
 * tried again at the next interval; it never stops the worker.
 */
export function embeddedVacuumSweep(
  database: Pick<Database, 'vacuum'>,
  options: { intervalMs: number; startedAt: Date; logger: Logger },
): ((now: Date) => Promise<number>) | null {
  const vacuum = database.vacuum;
  if (!vacuum || options.intervalMs <= 0) return null;
  let last = options.startedAt.getTime();
  return async (now) => {
    if (now.getTime() - last < options.intervalMs) return 0;
    last = now.getTime();
    const started = performance.now();
    try {
      await vacuum();
      options.logger.info({ ms: Math.round(performance.now() - started) }, 'vacuumed the embedded database');
    } catch (error) {
      options.logger.error({ err: error }, 'could not vacuum the embedded database');
    }
    return 0;
  };
}
