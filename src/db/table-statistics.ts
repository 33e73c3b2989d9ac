// Keeps the planner's statistics of the tables every lead writes to in step while they grow fast.
//
// LeadBridge prepares its statements once per connection, and PostgreSQL keeps a prepared statement's plan
// until an ANALYZE of its tables. A plan made while `leads` held a few hundred rows (a new database's
// first minute) is right for them and wrong for the hundred thousand that follow: a full scan, or an
// index that reads a whole campaign, on every lead. Autovacuum analyzes a table after 10 % of it changed,
// but only when it gets to it: on the embedded server its first pass comes up to a minute after start,
// with one worker that may be busy vacuuming, and a burst of leads fills the table first. So every
// instance looks every few seconds and analyzes a table that has grown fourfold since its last ANALYZE
// (from 1,000 rows on), until the statistics count 100,000 rows: a few passes early in a database's life
// (at about 1,000, 4,000, 16,000, 64,000 and 256,000 rows at most; fewer where autovacuum's own ANALYZE
// comes first), none after. A plan made for 100,000 rows stays sound as the table grows.
import type { Orm } from './connection.js';
import { analyzeTable, type StatisticsTable, statisticsTables } from './sql/analyze-table.js';
import { executeSql } from './sql/statement.js';
import { tablesBehindOnStatistics } from './sql/tables-behind-on-statistics.js';

const minRows = 1_000;
const growth = 4;
const maxCounted = 100_000;

/** Analyzes each table that has grown past its statistics; answers which. */
export async function analyzeTablesBehind(db: Orm): Promise<StatisticsTable[]> {
  const behind = await executeSql(db, tablesBehindOnStatistics, {
    tables: statisticsTables,
    minRows,
    growth,
    maxCounted,
  });
  const analyzed: StatisticsTable[] = [];
  for (const { table } of behind) {
    const known = statisticsTables.find((name) => name === table);
    if (!known) continue;
    await executeSql(db, analyzeTable[known], {});
    analyzed.push(known);
  }
  return analyzed;
}

/**
 * Looks every `intervalMs` (one pass at a time); returns a function that stops looking and resolves once
 * a pass in progress has ended, so a shutdown does not close the pool under an ANALYZE.
 */
export function keepTableStatisticsCurrent(deps: {
  db: Orm;
  intervalMs: number;
  /** Hears a pass that failed (logged and counted by the caller); the next pass tries again. */
  reportBackgroundError: (where: 'table_statistics', error: unknown) => void;
}): () => Promise<void> {
  let running: Promise<void> | null = null;
  const pass = async () => {
    try {
      await analyzeTablesBehind(deps.db);
    } catch (error) {
      deps.reportBackgroundError('table_statistics', error);
    } finally {
      running = null;
    }
  };
  const timer = setInterval(() => {
    running ??= pass();
  }, deps.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
