// Errors caught and not passed on: of work nobody awaits (the pool's idle connections, the LISTEN
// connection, the job worker, ...) or that carries on without it (an audit row, a cap slot given back).
// Each is counted in leadbridge_background_errors_total{where} and logged.
import type { Logger } from 'pino';
import { redactUrl } from './audit/redact.js';
import { describeDatabaseError } from './db/database-availability.js';
import { LogThrottle } from './log-throttle.js';
import { type BackgroundErrorSite, backgroundErrors } from './metrics.js';

/** Reports one background error at `where`; `context` (ids, counts: no personal data) goes into the line. */
export type ReportBackgroundError = (
  where: BackgroundErrorSite,
  error: unknown,
  context?: Record<string, unknown>,
) => void;

/** Each site's line: its level and what the error means for the service. */
const lines: Record<BackgroundErrorSite, { level: 'warn' | 'error'; message: string }> = {
  pool_idle_client: {
    level: 'warn',
    message: 'an idle database connection failed; the pool replaces it (a check of the database follows)',
  },
  listen_connection: {
    level: 'warn',
    message: 'the LISTEN connection failed; reconnecting, the worker polls meanwhile',
  },
  batch_statement: {
    level: 'warn',
    message: 'a shared statement failed; its items were written one by one, each answering for itself',
  },
  advertiser_reread: {
    level: 'warn',
    message: 'could not re-read the order after an advertiser update; the change is applied with our clock',
  },
  metric_read: {
    level: 'warn',
    message: 'a metric could not be read from the database; the scrape leaves it empty',
  },
  rate_limit_sweep: {
    level: 'error',
    message: 'could not sweep old rate-limit budgets; the next sweep tries again',
  },
  audit_write: {
    level: 'error',
    message:
      'could not write an audit row (a SalesRender exchange, an operator write or a refused request); the work it records went on without it',
  },
  schema_load: {
    level: 'warn',
    message: "could not load a SalesRender company's schema; the fact sheet shapes are sent meanwhile",
  },
  schema_refresh: {
    level: 'warn',
    message:
      'could not re-introspect a SalesRender company after a refusal; the stored schema is used until the next check',
  },
  schema_watch: {
    level: 'error',
    message: 'the schema check of a SalesRender company failed; the other companies were checked',
  },
  job_worker: {
    level: 'error',
    message:
      'the job worker could not claim, sweep, renew leases or reschedule a failed job; it tries again at the next poll, and a job whose lease runs out is taken again',
  },
  job_handler: {
    level: 'error',
    message: 'a job handler failed unexpectedly; the job is retried in a minute',
  },
  periodic_job: {
    level: 'error',
    message: 'could not queue a periodic job (reconciliation, schema watch); the next interval tries again',
  },
  cap_release: {
    level: 'error',
    message: "could not give back a rejected lead's cap slot; the cap takes one lead fewer",
  },
  inline_attempt: {
    level: 'error',
    message:
      "a lead's inline order creation failed unexpectedly; it was answered queued and the worker retries it",
  },
  order_record_later: {
    level: 'error',
    message: 'could not record an order made while the database was away; the worker looks it up',
  },
  table_statistics: {
    level: 'warn',
    message:
      "could not check or refresh a growing table's planner statistics; the next pass tries again, and autovacuum does it too",
  },
};

/**
 * The reporter the composition root hands to background work. Every error is counted; the log has at most
 * one line per site per `intervalMs` (default 10 s: a database outage fails every reconnect and every
 * scrape), whose `suppressed` says how many errors at that site went unlogged since its previous line.
 */
export function createBackgroundErrorReport(options: {
  logger: Logger;
  now: () => number;
  intervalMs?: number;
}): ReportBackgroundError {
  const throttles = new Map<BackgroundErrorSite, LogThrottle>();
  return function reportBackgroundError(where, error, context = {}) {
    backgroundErrors.inc({ where });
    let throttle = throttles.get(where);
    if (!throttle) {
      throttle = new LogThrottle({ now: options.now, intervalMs: options.intervalMs });
      throttles.set(where, throttle);
    }
    const count = throttle.take();
    if (count === null) return;
    const { level, message } = lines[where];
    options.logger[level]({ where, cause: describeCause(error), ...context, suppressed: count - 1 }, message);
  };
}

/**
 * What a line says of an error: the first code in its chain of causes and the innermost message, with
 * secrets in URLs redacted. Not the error itself: drizzle's wrapper quotes a statement's parameters (a
 * lead's personal data) in its message, and a `pg` error carries its whole client.
 */
export function describeCause(error: unknown): { message: string; code?: string } {
  let inner = error;
  let code: string | undefined;
  for (let depth = 0; depth < 6; depth++) {
    const own = (inner as { code?: unknown } | null)?.code;
    if (code === undefined && typeof own === 'string') code = own;
    const cause = (inner as { cause?: unknown } | null)?.cause;
    if (!(inner instanceof Error) || cause === undefined || cause === null) break;
    inner = cause;
  }
  const { message } = describeDatabaseError(inner);
  return code === undefined ? { message: redactUrl(message) } : { message: redactUrl(message), code };
}
