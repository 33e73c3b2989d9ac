// Tells every worker (this process and others on the same PostgreSQL) that jobs are waiting.
import { sql } from 'drizzle-orm';
import type { Executor } from '../connection.js';

export const jobsChannel = 'leadbridge_jobs';

/**
 * Call inside the transaction that inserted the jobs: PostgreSQL delivers the NOTIFY only when it
 * commits, so a worker woken by it always finds the rows.
 */
export async function notifyJobs(db: Executor): Promise<void> {
  await db.execute(sql`select pg_notify(${jobsChannel}, '')`);
}
