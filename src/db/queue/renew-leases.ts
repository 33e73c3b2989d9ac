// Extends the leases of jobs a live worker is still running.
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../connection.js';

/**
 * A lease says "this worker is alive and on it", not "this job is quick": a job still running when its
 * lease passes (a slow tracker, a stalled event loop, a busy database) would be swept and run a second
 * time by any worker, the postback sent twice. So a worker pushes the leases of the jobs in its hands
 * forward while it lives; only a dead worker's leases run out. Only rows still running under this
 * worker's name are touched: a job already finished, or swept and taken by another, stays as it is.
 * Returns how many leases were extended.
 */
export async function renewLeases(
  db: Executor,
  options: { workerId: string; jobIds: readonly string[]; leaseUntil: Date },
): Promise<number> {
  if (options.jobIds.length === 0) return 0;
  const rows = await queryRows(
    db,
    sql`update jobs set locked_until = ${options.leaseUntil.toISOString()}
      where id in (select jsonb_array_elements_text(${JSON.stringify(options.jobIds)}::jsonb))
        and state = 'running' and locked_by = ${options.workerId}
      returning id`,
  );
  return rows.length;
}
