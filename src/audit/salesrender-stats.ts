// SalesRender call health for the dashboard, read from the audited exchanges of a period.
import type { Executor } from '../db/connection.js';
import { executeSql } from '../db/sql/statement.js';
import { summarizeSalesRenderCalls } from '../db/sql/summarize-salesrender-calls.js';
import type { Period } from '../leads/lead-stats.js';

export interface SalesRenderHealth {
  calls: number;
  /** Calls that did not get an HTTP 2xx with a GraphQL answer free of errors. */
  errors: number;
  errorRate: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

export async function salesrenderHealth(db: Executor, period: Period): Promise<SalesRenderHealth> {
  const [row] = await executeSql(db, summarizeSalesRenderCalls, period);
  const calls = Number(row?.calls ?? 0);
  const errors = Number(row?.errors ?? 0);
  const round = (value: number | null | undefined) =>
    value === null || value === undefined ? null : Math.round(value);
  return {
    calls,
    errors,
    errorRate: calls > 0 ? errors / calls : null,
    p50LatencyMs: round(row?.p50LatencyMs),
    p95LatencyMs: round(row?.p95LatencyMs),
  };
}
