// Postback delivery health for the dashboard: how many of the period's postbacks are delivered, retrying, failed.
import type { Executor } from '../db/connection.js';
import { countPostbacksByOutcome, type PostbackOutcome } from '../db/sql/count-postbacks-by-outcome.js';
import { executeSql } from '../db/sql/statement.js';
import type { Period } from '../leads/lead-stats.js';

export interface PostbackHealth extends Record<PostbackOutcome, number> {
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
  const rows = await executeSql(db, countPostbacksByOutcome, period);
  const health: PostbackHealth = {
    delivered: 0,
    retrying: 0,
    queued: 0,
    failed: 0,
    skipped: 0,
    superseded: 0,
  };
  for (const row of rows) health[row.outcome] = row.count;
  return health;
}
