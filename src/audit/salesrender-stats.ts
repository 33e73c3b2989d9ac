// SalesRender call health for the dashboard, read from the audited exchanges of a period.
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connection.js';
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
  const [row] = await queryRows<{ calls: string; errors: string; p50: number | null; p95: number | null }>(
    db,
    sql`select count(*) as calls,
               count(*) filter (where http_status is null or http_status >= 300
                                or json_typeof(detail->'response'->'errors') = 'array') as errors,
               percentile_cont(0.5) within group (order by latency_ms) as p50,
               percentile_cont(0.95) within group (order by latency_ms) as p95
        from audit_log
        where event = 'salesrender.call'
          and at >= ${period.from.toISOString()} and at < ${period.to.toISOString()}`,
  );
  const calls = Number(row?.calls ?? 0);
  const errors = Number(row?.errors ?? 0);
  const round = (value: number | null | undefined) =>
    value === null || value === undefined ? null : Math.round(value);
  return {
    calls,
    errors,
    errorRate: calls > 0 ? errors / calls : null,
    p50LatencyMs: round(row?.p50),
    p95LatencyMs: round(row?.p95),
  };
}
