// Notes on a create_order job that one of its calls may have created the order although its answer was lost.
import { type SQL, sql } from 'drizzle-orm';

/**
 * Keeps the earliest time (the next attempt looks for our order from then on: in-doubt create), in the
 * transaction that records the attempt's outcome.
 */
export function markCreateInDoubtSql(jobId: string, since: Date): SQL {
  return sql`update jobs set payload = payload || jsonb_build_object('inDoubtSince',
      coalesce(payload->>'inDoubtSince', ${since.toISOString()}::text)) where id = ${jobId}`;
}
