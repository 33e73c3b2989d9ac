// Tells every worker (this process and others on the same PostgreSQL) that jobs are waiting.
import type { Executor } from '../connection.js';
import { jobsChannel, notifyJobs as notifyJobsStatement } from '../sql/notify-jobs.js';
import { executeSql } from '../sql/statement.js';

export { jobsChannel };

/**
 * Call inside the transaction that inserted the jobs: PostgreSQL delivers the NOTIFY only when it
 * commits, so a worker woken by it always finds the rows.
 */
export async function notifyJobs(db: Executor): Promise<void> {
  await executeSql(db, notifyJobsStatement, {});
}
