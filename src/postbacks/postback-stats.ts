// Postback delivery health for the dashboard: how many of the period's postbacks are delivered, retrying, failed.
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connection.js';
import type { Period } from '../leads/lead-stats.js';
import { postbackJobKind } from './deliver-postback.js';

export interface PostbackHealth {
  delivered: number;
  /** Tried at least once and waiting for the next try. */
  retrying: number;
  /** Not tried yet (or being sent right now). */
  queued: number;
  failed: number;
  /** Never sent: no tracker could take it (a lead without the click id its URL needs). */
  skipped: number;
  /** Never sent: a newer status of the same lead was queued first. */
  superseded: number;
}

export async function postbackHealth(db: Executor, period: Period): Promise<PostbackHealth> {
  const rows = await queryRows<{ bucket: keyof PostbackHealth; count: string }>(
    db,
    sql`select case when state = 'done' then 'delivered'
                    when state = 'failed' then 'failed'
                    when state = 'skipped' then 'skipped'
                    when state = 'superseded' then 'superseded'
                    when state = 'pending' and attempts > 0 then 'retrying'
                    else 'queued' end as bucket,
               count(*) as count
        from jobs
        where kind = ${postbackJobKind}
          and created_at >= ${period.from.toISOString()} and created_at < ${period.to.toISOString()}
        group by 1`,
  );
  const health: PostbackHealth = {
    delivered: 0,
    retrying: 0,
    queued: 0,
    failed: 0,
    skipped: 0,
    superseded: 0,
  };
  for (const row of rows) health[row.bucket] = Number(row.count);
  return health;
}
