// Runs queued jobs: sweeps dead leases, claims due jobs, hands each to its kind's handler.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Orm } from '../connection.js';
import { claimJobs } from './claim-jobs.js';
import { retryOrFailJob } from './finish-job.js';
import type { Job } from './job.js';
import { sweepExpiredLeases } from './sweep-expired-leases.js';

/** A handler records its own outcome (complete, retry, fail) in the transaction that applies its result. */
export type JobHandler = (job: Job) => Promise<void>;

export interface WorkerOptions {
  db: Orm;
  clock: Clock;
  workerId: string;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  /** Backstop poll interval; a wake() makes the worker look at once. Default 1000 ms. */
  pollMs?: number;
  /** How long a claimed job is ours before another worker may take it. Default 60 s. */
  leaseMs?: number;
  /** Jobs run at once per batch. Default 8. */
  concurrency?: number;
}

export class JobWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;

  constructor(private readonly options: WorkerOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.concurrency = options.concurrency ?? 8;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming, waits for jobs in hand to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** A new job exists: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** One pass: sweep, claim up to `concurrency` due jobs, run them. Returns how many ran. Tests call this directly. */
  async runOnce(): Promise<number> {
    const { db, clock, workerId, handlers, logger } = this.options;
    const now = clock.now();
    const swept = await sweepExpiredLeases(db, now);
    if (swept > 0) logger.warn({ swept }, 'returned jobs with expired leases to the queue');
    const jobs = await claimJobs(db, {
      workerId,
      now,
      leaseMs: this.leaseMs,
      limit: this.concurrency,
      kinds: Object.keys(handlers),
    });
    await Promise.all(
      jobs.map(async (job) => {
        const handler = handlers[job.kind];
        try {
          if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
          await handler(job);
        } catch (error) {
          // A handler that throws has not recorded an outcome; retry in a minute rather than wait for the lease.
          logger.error({ err: error, jobId: job.id, kind: job.kind }, 'job handler failed unexpectedly');
          await retryOrFailJob(db, job, { now: clock.now(), delayMs: 60_000, error: String(error) }).catch(
            (finishError: unknown) =>
              logger.error({ err: finishError, jobId: job.id }, 'could not reschedule job'),
          );
        }
      }),
    );
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let ran = 0;
      try {
        this.woken = false;
        ran = await this.runOnce();
      } catch (error) {
        // The database may be restarting: log, wait a poll interval, try again. Never exit the loop on an error.
        this.options.logger.error({ err: error }, 'job worker pass failed');
      }
      if (ran === 0 && !this.woken && this.running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }
}
