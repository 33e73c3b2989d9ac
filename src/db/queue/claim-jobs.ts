// Takes up to N runnable jobs for one worker with a lease, in one statement (src/db/sql/claim-jobs.ts).
import type { Executor } from '../connection.js';
import { claimJobs as claimJobsStatement } from '../sql/claim-jobs.js';
import { executeSql } from '../sql/statement.js';
import { type Job, jobFromRow } from './job.js';

export async function claimJobs(
  db: Executor,
  options: { workerId: string; now: Date; leaseMs: number; limit: number; kinds?: readonly string[] },
): Promise<Job[]> {
  const rows = await executeSql(db, claimJobsStatement, {
    workerId: options.workerId,
    now: options.now,
    leaseUntil: new Date(options.now.getTime() + options.leaseMs),
    limit: options.limit,
    kinds: options.kinds ?? null,
  });
  return rows.map(jobFromRow);
}
