// Returns jobs whose worker died (lease expired) to the queue (src/db/sql/sweep-expired-leases.ts).
import type { Executor } from '../connection.js';
import { executeSql } from '../sql/statement.js';
import { sweepExpiredLeases as sweepStatement } from '../sql/sweep-expired-leases.js';

/** Answers how many jobs went back to the queue. */
export async function sweepExpiredLeases(db: Executor, now: Date): Promise<number> {
  return (await executeSql(db, sweepStatement, { now })).length;
}
