// Takes up to N runnable jobs for one worker with a lease, in one statement.
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../connection.js';
import { type Job, jobFromRow } from './job.js';

/**
 * Selects due pending jobs `FOR UPDATE SKIP LOCKED` and marks them running with a lease in the same
 * statement, so two workers on one PostgreSQL never take the same job and neither waits for the other.
 * The statement commits on its own: the job's work (an HTTP call) runs outside any transaction, so no
 * connection is held while it waits.
 */
export async function claimJobs(
  db: Executor,
  options: { workerId: string; now: Date; leaseMs: number; limit: number; kinds?: readonly string[] },
): Promise<Job[]> {
  const leaseUntil = new Date(options.now.getTime() + options.leaseMs);
  const kindFilter = options.kinds?.length
    ? sql`and kind in (${sql.join(
        options.kinds.map((kind) => sql`${kind}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await queryRows(
    db,
    sql`
    with runnable as (
      select id from jobs
      where state = 'pending' and next_attempt_at <= ${options.now} ${kindFilter}
      order by next_attempt_at
      limit ${options.limit}
      for update skip locked
    )
    update jobs
    set state = 'running', attempts = jobs.attempts + 1, locked_until = ${leaseUntil},
        locked_by = ${options.workerId}, updated_at = ${options.now}
    from runnable
    where jobs.id = runnable.id
    returning jobs.*`,
  );
  return rows.map(jobFromRow);
}
