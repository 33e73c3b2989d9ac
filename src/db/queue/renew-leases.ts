// Extends the leases of jobs a live worker is still running.
import type { Executor } from '../connection.js';
import { renewLeases as renewLeasesStatement } from '../sql/renew-leases.js';
import { executeSql } from '../sql/statement.js';

/**
 * A lease says "this worker is alive and on it", not "this job is quick": a job still running when its
 * lease passes (a slow tracker, a stalled event loop, a busy database) would be swept and run a second
 * time by any worker, the postback sent twice. So a worker pushes the leases of the jobs in its hands
 * forward while it lives; only a dead worker's leases run out. Returns how many leases were extended.
 */
export async function renewLeases(
  db: Executor,
  options: { workerId: string; jobIds: readonly string[]; leaseUntil: Date },
): Promise<number> {
  if (options.jobIds.length === 0) return 0;
  return (await executeSql(db, renewLeasesStatement, options)).length;
}
