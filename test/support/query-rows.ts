// Runs a hand-written SQL statement in a test (set-ups, checks of what the service stored) and answers its rows.
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../src/db/connection.js';

/** The rows of `query`, run unnamed through drizzle (the driver answers `{rows}`). */
export async function queryRows<Row = Record<string, unknown>>(db: Executor, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}
