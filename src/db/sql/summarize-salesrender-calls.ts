// The audited SalesRender calls of a period, summed up: calls, errors and latency percentiles for the dashboard.
import { defineStatement } from './statement.js';

export interface SalesRenderCallsSummary {
  calls: number;
  /** Calls that did not get an HTTP 2xx with a GraphQL answer free of errors. */
  errors: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

/** Always one row. */
export const summarizeSalesRenderCalls = defineStatement<{ from: Date; to: Date }, SalesRenderCallsSummary>({
  name: 'summarize_salesrender_calls',
  text: `select count(*) as calls,
      count(*) filter (where http_status is null or http_status >= 300
                       or jsonb_typeof(detail->'response'->'errors') = 'array') as errors,
      percentile_cont(0.5) within group (order by latency_ms) as p50,
      percentile_cont(0.95) within group (order by latency_ms) as p95
    from audit_log
    where event = 'salesrender.call' and at >= $1::timestamptz and at < $2::timestamptz`,
  values: (input) => [input.from.toISOString(), input.to.toISOString()],
  row: (raw) => ({
    calls: Number(raw.calls ?? 0),
    errors: Number(raw.errors ?? 0),
    p50LatencyMs: raw.p50 === null || raw.p50 === undefined ? null : Number(raw.p50),
    p95LatencyMs: raw.p95 === null || raw.p95 === undefined ? null : Number(raw.p95),
  }),
});
