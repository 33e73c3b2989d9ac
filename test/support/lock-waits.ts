// Race specs hold a lock in one transaction and need to know when the statement under test waits for it.
import { sql } from 'drizzle-orm';
import type { Orm } from '../../src/db/connection.js';
import { queryRows } from './query-rows.js';

/**
 * Polls `pg_stat_activity` until a backend of this database waits on a lock (one whose query starts with
 * `queryStart`, when given). True when one does; false after `timeoutMs`, or as soon as `giveUp()` is true.
 */
export async function someoneWaitsOnALock(
  db: Orm,
  options: { queryStart?: string; timeoutMs?: number; giveUp?: () => boolean } = {},
): Promise<boolean> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  const pattern = `${options.queryStart ?? ''}%`;
  for (;;) {
    const [row] = await queryRows<{ waiting: number }>(
      db,
      sql`select count(*)::int as waiting from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock' and query ilike ${pattern}`,
    );
    if ((row?.waiting ?? 0) > 0) return true;
    if (options.giveUp?.() || Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
