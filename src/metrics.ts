// Prometheus metrics: one registry, every metric LeadBridge exports, served at /metrics.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'leadbridge_process_' });

export const httpRequests = new Counter({
  name: 'leadbridge_http_requests_total',
  help: 'HTTP requests answered, by route template (never the raw URL: it may carry secrets) and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpDuration = new Histogram({
  name: 'leadbridge_http_request_duration_seconds',
  help: 'Time to answer, by route template',
  labelNames: ['route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const salesrenderDuration = new Histogram({
  name: 'leadbridge_salesrender_request_duration_seconds',
  help: 'SalesRender call latency by operation and outcome (HTTP status or network_error)',
  labelNames: ['operation', 'outcome'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const leadsReceived = new Counter({
  name: 'leadbridge_leads_total',
  help: 'Leads answered by outcome: created, queued, duplicate',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const capRefusals = new Counter({
  name: 'leadbridge_cap_refusals_total',
  help: 'Leads refused 429 CAP_REACHED (not sent to SalesRender), by the cap that refused them: scope (campaign, partner) and period (daily, total)',
  labelNames: ['scope', 'period'] as const,
  registers: [metricsRegistry],
});

export const postbackAttempts = new Counter({
  name: 'leadbridge_postback_attempts_total',
  help: 'Postback delivery attempts by outcome: delivered, retry, failed, stopped, forbidden; and postbacks never sent: skipped, superseded',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const databaseUp = new Gauge({
  name: 'leadbridge_database_up',
  help: 'Whether this process can reach its database (0 while it answers 503 DATABASE_UNAVAILABLE)',
  registers: [metricsRegistry],
});
databaseUp.set(1);

export const reconcileResults = new Counter({
  name: 'leadbridge_reconcile_total',
  help: 'Reconciliation results: orders checked, statuses changed, postbacks queued, campaign errors',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

export const rateLimitClaims = new Counter({
  name: 'leadbridge_rate_limit_claims_total',
  help: 'Rate-limit token claims from the shared database budget, by outcome: granted, spent (the minute was used up), failed (the request was admitted unchecked)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/**
 * Where an error can be caught and not passed on (the `where` of leadbridge_background_errors_total), a
 * closed set; src/background-errors.ts says what each means for the service.
 */
export const backgroundErrorSites = [
  'pool_idle_client',
  'listen_connection',
  'batch_statement',
  'advertiser_reread',
  'metric_read',
  'rate_limit_sweep',
  'audit_write',
  'schema_load',
  'schema_refresh',
  'schema_watch',
  'job_worker',
  'job_handler',
  'periodic_job',
  'cap_release',
  'inline_attempt',
  'order_record_later',
  'table_statistics',
] as const;
export type BackgroundErrorSite = (typeof backgroundErrorSites)[number];

export const backgroundErrors = new Counter({
  name: 'leadbridge_background_errors_total',
  help: `Errors caught and not passed on, of work nobody awaits or that carries on without it (each also logged, at most one line per 10 s per site), by where: ${backgroundErrorSites.join(', ')}`,
  labelNames: ['where'] as const,
  registers: [metricsRegistry],
});
// Every site is listed from the start (at 0), so an alert on an increase sees the first error too.
for (const where of backgroundErrorSites) backgroundErrors.inc({ where }, 0);

/**
 * A gauge read from the database at scrape time is left empty when the read fails: one failing collector
 * fails the whole scrape, and while the database is away the scrape must still say so
 * (`leadbridge_database_up` 0). Counted, so the gap is visible; the composition root's read functions
 * report why (`metric_read` in leadbridge_background_errors_total, and a log line).
 */
async function readOrNothing<T>(read: () => Promise<T[]>): Promise<T[]> {
  try {
    return await read();
  } catch {
    metricReadFailures.inc();
    return [];
  }
}

export const metricReadFailures = new Counter({
  name: 'leadbridge_metric_read_failures_total',
  help: 'Scrapes in which a gauge read from the database (queue depth, schema checks) could not be read and was left empty',
  registers: [metricsRegistry],
});

/** Queue depth by job kind and state, read from the database at scrape time. */
export function registerQueueGauge(
  readDepth: () => Promise<{ kind: string; state: string; count: number }[]>,
): void {
  metricsRegistry.removeSingleMetric('leadbridge_jobs');
  new Gauge({
    name: 'leadbridge_jobs',
    help: 'Jobs in the durable queue by kind and state (pending, running, failed)',
    labelNames: ['kind', 'state'] as const,
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const row of await readOrNothing(readDepth))
        this.set({ kind: row.kind, state: row.state }, row.count);
    },
  });
}

/**
 * Items written and statements run by each shared-statement writer (db/statement-batcher.ts): their ratio
 * is the average batch, 1 when the load is light.
 */
export function registerSharedStatementMetrics(
  writers: Record<string, { stats: { items: number; statements: number } }>,
): void {
  for (const [name, help, pick] of [
    ['leadbridge_shared_statement_items_total', 'Rows written by each shared-statement writer', 'items'],
    ['leadbridge_shared_statements_total', 'Statements run by each shared-statement writer', 'statements'],
  ] as const) {
    metricsRegistry.removeSingleMetric(name);
    new Counter({
      name,
      help,
      labelNames: ['writer'] as const,
      registers: [metricsRegistry],
      collect() {
        this.reset();
        for (const [writer, { stats }] of Object.entries(writers)) this.inc({ writer }, stats[pick]);
      },
    });
  }
}

/**
 * Whether everything LeadBridge sends still fits each SalesRender company's live schema (1) or something
 * would fail (0), from the drift watch's last result in the database (so every instance reports it).
 */
export function registerSchemaGauge(readResults: () => Promise<{ company: string; ok: boolean }[]>): void {
  metricsRegistry.removeSingleMetric('leadbridge_salesrender_schema_ok');
  new Gauge({
    name: 'leadbridge_salesrender_schema_ok',
    help: "1 when the SalesRender company's live schema fits everything LeadBridge sends, 0 when a check found an error",
    labelNames: ['company'] as const,
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      for (const row of await readOrNothing(readResults)) this.set({ company: row.company }, row.ok ? 1 : 0);
    },
  });
}
