// The composition root: opens the shared context, wires the domain, the worker, the HTTP server and the console.
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { HotLookups } from './campaigns/hot-lookups.js';
import { listCompanySchemaResults } from './campaigns/schema-results.js';
import { schemaWatchJobKind, watchSalesRenderSchemas } from './campaigns/schema-watch.js';
import type { Clock } from './clock.js';
import type { Settings } from './config/settings.js';
import {
  type AppContext,
  deliveryDepsOf,
  type LeadPipelineDeps,
  salesRenderCallDepsOf,
  schemaCheckDepsOf,
} from './context.js';
import type { Database } from './db/connection.js';
import { DatabaseUnavailableError } from './db/database-availability.js';
import { completeJob } from './db/queue/finish-job.js';
import { jobsChannel } from './db/queue/notify-jobs.js';
import { schedulePeriodicJob } from './db/queue/schedule-periodic-job.js';
import { JobWorker } from './db/queue/worker.js';
import { countUnfinishedJobs } from './db/sql/count-unfinished-jobs.js';
import { executeSql } from './db/sql/statement.js';
import { keepTableStatisticsCurrent } from './db/table-statistics.js';
import { buildHttpServer } from './http/server.js';
import { rateLimitWindowSweep } from './http/shared-rate-limit.js';
import type { IdSource } from './ids.js';
import { InFlightWork } from './in-flight-work.js';
import { attemptCreateOrder, createOrderJobKind } from './leads/create-order.js';
import { recoverInlineAttempts } from './leads/lead-write-protocol.js';
import { createOrderCreatedWriter } from './leads/record-order-created.js';
import { createLeadStore } from './leads/store-lead.js';
import { createLogger } from './logger.js';
import { registerQueueGauge, registerSchemaGauge, registerSharedStatementMetrics } from './metrics.js';
import { openSharedContext } from './open-shared-context.js';
import { attemptPostback, postbackJobKind } from './postbacks/deliver-postback.js';
import { createGuardedAgent } from './postbacks/outbound-guard.js';
import { SalesRenderError } from './salesrender/errors.js';
import { advertiserUpdateJobKind, attemptAdvertiserUpdate } from './statuses/advertiser-update.js';
import { reconcile } from './statuses/reconcile.js';
import { reconcileJobKind, scheduleReconciliation } from './statuses/reconcile-schedule.js';
import { attemptRefreshOrder, refreshOrderJobKind } from './statuses/refresh-order.js';
import { registerConsole } from './ui/register-console.js';

export interface ServiceOptions {
  settings: Settings;
  /** An already open database (tests); otherwise opened from the settings. */
  database?: Database;
  clock?: Clock;
  ids?: IdSource;
  random?: () => number;
  /** Default: JSON lines on stdout at LOG_LEVEL (createLogger). */
  logger?: Logger;
  /** Run the background worker (default true). Tests drive `worker.runOnce()` by hand instead. */
  startWorker?: boolean;
  /** Lease on a job being worked; default JOB_LEASE_MS. */
  leaseMs?: number;
}

export interface Service {
  context: AppContext;
  app: FastifyInstance;
  /** Listens on HOST:PORT; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<Service> {
  const { settings } = options;
  const logger = options.logger ?? createLogger(settings);
  const opened = await openSharedContext({ ...options, logger });
  const shared = opened.context;
  if (opened.applied.length > 0) logger.info({ applied: opened.applied }, 'applied database migrations');
  const { database, clock, ids, audit, reportBackgroundError } = shared;
  const workerId = `${hostname()}:${process.pid}:${ids.secret(4)}`;
  const leaseMs = options.leaseMs ?? settings.JOB_LEASE_MS;
  // The worker renews the leases of its jobs, but the inline first attempts (intake, advertiser update)
  // hold a plain lease for the whole SalesRender exchange, up to two calls: a lease shorter than that can
  // run out mid-call, and the sweep then sends the order again (a duplicate order in the CRM).
  if (leaseMs <= 2 * settings.SALESRENDER_TIMEOUT_MS)
    logger.warn(
      { JOB_LEASE_MS: leaseMs, SALESRENDER_TIMEOUT_MS: settings.SALESRENDER_TIMEOUT_MS },
      'JOB_LEASE_MS should exceed twice SALESRENDER_TIMEOUT_MS: a slow SalesRender call can outlive its lease and be sent again',
    );
  const leadDeps: LeadPipelineDeps = {
    ...salesRenderCallDepsOf(shared),
    workerId,
    leaseMs,
    lookups: new HotLookups(database.orm),
    ordersCreated: createOrderCreatedWriter(database.orm, audit, {
      onBatchError: (error, items) =>
        reportBackgroundError('batch_statement', error, { writer: 'orders_created', items }),
    }),
    leadStore: createLeadStore(database.orm, audit, {
      onBatchError: (error, items) =>
        reportBackgroundError('batch_statement', error, { writer: 'leads', items }),
    }),
  };
  const dispatcher = createGuardedAgent(settings.LEADBRIDGE_ALLOW_PRIVATE_TARGETS);
  const deliveryDeps = deliveryDepsOf(shared, dispatcher, leadDeps.lookups);
  const worker = new JobWorker({
    db: database.orm,
    clock,
    workerId,
    logger,
    reportError: reportBackgroundError,
    leaseMs,
    pollMs: settings.WORKER_POLL_MS,
    sweeps: {
      inline_create_order: (now) => recoverInlineAttempts(database.orm, { now, ids }),
      ...(settings.RATE_LIMIT_PER_MINUTE > 0
        ? { rate_limit_windows: rateLimitWindowSweep(database.orm, reportBackgroundError) }
        : {}),
    },
    handlers: {
      [createOrderJobKind]: async (job) => {
        await attemptCreateOrder(leadDeps, job);
      },
      [refreshOrderJobKind]: (job) => attemptRefreshOrder(leadDeps, job),
      [postbackJobKind]: (job) => attemptPostback(deliveryDeps, job),
      [advertiserUpdateJobKind]: async (job) => {
        try {
          await attemptAdvertiserUpdate(leadDeps, job);
        } catch (error) {
          // A refusal is already recorded (job failed, audited); only unexpected faults go up.
          if (!(error instanceof SalesRenderError)) throw error;
        }
      },
      [schemaWatchJobKind]: async (job) => {
        await watchSalesRenderSchemas(schemaCheckDepsOf(shared));
        await completeJob(database.orm, job, clock.now());
      },
      [reconcileJobKind]: async (job) => {
        await reconcile(leadDeps, {
          lookbackDays: settings.RECONCILE_LOOKBACK_DAYS,
          finalDays: settings.RECONCILE_FINAL_DAYS,
          ratePerSecond: settings.RECONCILE_RATE_PER_SECOND,
        });
        await completeJob(database.orm, job, clock.now());
      },
    },
  });
  const context: AppContext = { ...shared, worker, leadDeps, deliveryDeps, inFlight: new InFlightWork() };
  // While the database is known to be down a scrape reads nothing from it (rather than waiting for it:
  // the availability check reports the outage). A read that fails is reported, then left empty.
  const whileReachable =
    <T>(read: () => Promise<T>) =>
    () =>
      database.availability.isDown
        ? Promise.reject(new DatabaseUnavailableError())
        : read().catch((error: unknown) => {
            reportBackgroundError('metric_read', error);
            throw error;
          });
  registerSchemaGauge(whileReachable(() => listCompanySchemaResults(database.orm)));
  registerSharedStatementMetrics({ leads: leadDeps.leadStore, orders_created: leadDeps.ordersCreated });
  registerQueueGauge(whileReachable(() => executeSql(database.orm, countUnfinishedJobs, {})));
  const app = await buildHttpServer(context);
  // The console shares the API's server (its cookie plugin, error handler, rate limits) but not its code,
  // so the composition root mounts it, after the API's routes.
  await registerConsole(app, context);
  let closing: Promise<void> | undefined;
  // NOTIFY wakes the worker at once (from this or another instance); the poll is only the backstop.
  const unlisten = await database.listen(jobsChannel, () => worker.wake());
  /** Stops the timers; resolves once background work they started (a statistics pass) has ended. */
  let stopSchedule = (): Promise<void> => Promise.resolve();
  if (options.startWorker ?? true) {
    worker.start();
    const stopReconciliation = scheduleReconciliation({
      ...leadDeps,
      intervalSeconds: settings.RECONCILE_INTERVAL_SECONDS,
    });
    const stopSchemaWatch = schedulePeriodicJob(leadDeps, {
      kind: schemaWatchJobKind,
      intervalMs: settings.SALESRENDER_SCHEMA_CHECK_HOURS * 3_600_000,
      atStart: true,
    });
    const stopTableStatistics = keepTableStatisticsCurrent({
      db: database.orm,
      intervalMs: 5_000,
      reportBackgroundError,
    });
    stopSchedule = () => {
      stopReconciliation();
      stopSchemaWatch();
      return stopTableStatistics();
    };
  }
  return {
    context,
    app,
    async listen() {
      await app.listen({ port: settings.PORT, host: settings.HOST });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : settings.PORT;
      return `http://127.0.0.1:${port}`;
    },
    close() {
      // Idempotent: SIGTERM and a test may both ask.
      closing ??= (async () => {
        // Stop taking work, answer what is in flight, then release the database (once a statistics pass
        // under way has ended: its ANALYZE holds a pooled connection).
        const scheduledWorkEnded = stopSchedule();
        await unlisten();
        await worker.stop();
        await app.close();
        await context.inFlight.drain();
        await dispatcher.close();
        await scheduledWorkEnded;
        await opened.close();
      })();
      return closing;
    },
  };
}
