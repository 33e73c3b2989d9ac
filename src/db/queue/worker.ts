// Runs queued jobs: sweeps dead leases, claims due jobs into free slots, hands each to its kind's handler,
// and keeps the leases of the jobs in hand alive while they run.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Orm } from '../connection.js';
import { claimJobs } from './claim-jobs.js';
import { retryOrFailJob } from './finish-job.js';
import type { Job } from './job.js';
import type { JobKind } from './job-payloads.js';
import { renewLeases } from './renew-leases.js';
import { sweepExpiredLeases } from './sweep-expired-leases.js';

/**
 * A handler records its own outcome (complete, retry, fail) in the transaction that applies its result.
 * It may answer a follow-up job it inserted already claimed by this worker (see `NewJob.claimFor`): the
 * worker runs it next in the same slot, without waiting for a NOTIFY and a claim. Should the process die
 * first, the follow-up's lease expires and any worker takes it.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: most handlers have no follow-up and return nothing
export type JobHandler<K extends JobKind = JobKind> = (job: Job<K>) => Promise<Job | null | undefined | void>;

/** One handler per kind, each given its kind's jobs. */
export type JobHandlers = { [K in JobKind]?: JobHandler<K> };

/** A slot held for a job this process is about to insert already claimed (see `JobWorker.reserve`). */
export interface SlotReservation {
  /** Runs the job (committed, claimed by this worker) in the held slot. */
  run(job: Job): void;
  /** Gives the slot back unused (the job was not inserted, or was inserted unclaimed). */
  release(): void;
}

/** Where the worker catches an error and carries on (a `where` of the background errors). */
export type WorkerErrorSite = 'job_worker' | 'job_handler';

export interface WorkerOptions {
  db: Orm;
  clock: Clock;
  workerId: string;
  handlers: JobHandlers;
  logger: Logger;
  /**
   * Hears each error the worker catches and goes on from, to log and count it: a pass, a lease renewal
   * or a reschedule that failed (`job_worker`), a handler that threw (`job_handler`).
   */
  reportError: (where: WorkerErrorSite, error: unknown, context?: Record<string, unknown>) => void;
  /** Backstop poll interval; a wake() makes the worker look at once. Default 1000 ms. */
  pollMs?: number;
  /**
   * How long a claimed job is ours before another worker may take it, should this process die. While it
   * lives, the leases of the jobs it is running are renewed every third of this. Default 60 s.
   */
  leaseMs?: number;
  /** Jobs running at once. A slow tracker holds one slot, not the whole worker. Default 32. */
  concurrency?: number;
  /**
   * Other recoveries to run with the lease sweep (e.g. leads whose inline attempt died): each returns
   * how many items it put back to work.
   */
  sweeps?: Record<string, (now: Date) => Promise<number>>;
}

export class JobWorker {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Ids of the jobs whose handlers are running now: the leases `renewHeldLeases` extends. */
  private readonly held = new Set<string>();
  private renewTimer: NodeJS.Timeout | null = null;
  private renewal: Promise<void> | null = null;
  /** Slots promised by `reserve` and not yet running or released. */
  private reserved = 0;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private lastSweep = 0;
  /** The last claim filled every free slot, so more may be waiting: a finished job should look again. */
  private mayHaveMore = false;

  constructor(private readonly options: WorkerOptions) {
    this.pollMs = options.pollMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.concurrency = options.concurrency ?? 32;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    this.renewTimer = setInterval(() => void this.renewHeldLeases(), this.leaseMs / 3);
    this.renewTimer.unref();
  }

  /** Stops claiming and waits for the jobs in hand to finish, so no lease is left behind. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    // Slots reserved before the stop are still handed their (already claimed) jobs: wait for those too.
    while (this.inFlight.size > 0 || this.reserved > 0) {
      if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
  }

  /** New jobs exist: look now instead of at the next poll. */
  wake(): void {
    this.woken = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }

  get id(): string {
    return this.options.workerId;
  }

  /** The lease a job claimed now by this worker gets (for jobs inserted already claimed). */
  leaseUntil(now: Date): Date {
    return new Date(now.getTime() + this.leaseMs);
  }

  /**
   * Holds a slot for a job the caller will insert already claimed by this worker and hand over with
   * `run`, skipping the NOTIFY-and-claim round (the webhook path uses it). Null when the worker is not
   * running or every slot is busy: then insert the job unclaimed and let the queue schedule it.
   */
  reserve(): SlotReservation | null {
    if (!this.running || this.inFlight.size + this.reserved >= this.concurrency) return null;
    this.reserved++;
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      this.reserved--;
      return true;
    };
    return {
      run: (job) => {
        if (settle()) this.track(job);
      },
      release: () => {
        if (settle()) this.wake();
      },
    };
  }

  /** One pass for tests: sweep, claim up to the free slots, run them all and wait. Returns how many ran. */
  async runOnce(): Promise<number> {
    const jobs = await this.claim(this.concurrency);
    await Promise.all(jobs.map((job) => this.execute(job)));
    return jobs.length;
  }

  private async claim(limit: number): Promise<Job[]> {
    const { db, clock, workerId, handlers, logger } = this.options;
    const now = clock.now();
    // Sweeping is cheap (partial index) but need not run on every wake-up.
    if (now.getTime() - this.lastSweep >= Math.min(this.leaseMs / 2, 5_000)) {
      this.lastSweep = now.getTime();
      // Our own running jobs first: a renewal that came late must not let this sweep take them from us.
      await this.renewHeldLeases();
      const swept = await sweepExpiredLeases(db, now);
      if (swept > 0) logger.warn({ swept }, 'returned jobs with expired leases to the queue');
      for (const [name, sweep] of Object.entries(this.options.sweeps ?? {})) {
        const recovered = await sweep(now);
        if (recovered > 0)
          logger.warn({ recovered, sweep: name }, 'recovered work abandoned by a dead process');
      }
    }
    return claimJobs(db, { workerId, now, leaseMs: this.leaseMs, limit, kinds: Object.keys(handlers) });
  }

  private async execute(first: Job): Promise<void> {
    let job: Job | null = first;
    while (job) job = await this.executeOne(job);
  }

  /** Runs one job; answers its claimed follow-up, if any. */
  private async executeOne(job: Job): Promise<Job | null> {
    const { db, clock, handlers, reportError } = this.options;
    // The handler registered for this job's kind: TypeScript cannot pair the two through the union.
    const handler = handlers[job.kind] as JobHandler | undefined;
    this.held.add(job.id);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      return (await handler(job)) ?? null;
    } catch (error) {
      // A handler that throws has not recorded an outcome; retry in a minute rather than wait for the lease.
      reportError('job_handler', error, { jobId: job.id, kind: job.kind });
      await retryOrFailJob(db, job, { now: clock.now(), delayMs: 60_000, error: String(error) }).catch(
        (finishError: unknown) =>
          reportError('job_worker', finishError, { step: 'reschedule', jobId: job.id }),
      );
      return null;
    } finally {
      this.held.delete(job.id);
    }
  }

  /**
   * Pushes the leases of the running jobs a full lease ahead (see renew-leases.ts), in one statement for
   * all of them; while one is out, callers share it. A failure is reported: the next tick tries again, and a
   * lease that does run out costs a duplicate run, not a lost job.
   */
  private renewHeldLeases(): Promise<void> {
    if (this.renewal) return this.renewal;
    if (this.held.size === 0) return Promise.resolve();
    const { db, clock, workerId, reportError } = this.options;
    this.renewal = renewLeases(db, {
      workerId,
      jobIds: [...this.held],
      leaseUntil: this.leaseUntil(clock.now()),
    })
      .then(
        () => {},
        (error: unknown) => reportError('job_worker', error, { step: 'renew_leases' }),
      )
      .finally(() => {
        this.renewal = null;
      });
    return this.renewal;
  }

  /** Runs a claimed job in a slot of its own, counted in `inFlight` until it (and its follow-ups) end. */
  private track(job: Job): void {
    const running: Promise<void> = this.execute(job).finally(() => {
      this.inFlight.delete(running);
      // Only when the queue may hold more: otherwise new jobs announce themselves (NOTIFY) and
      // each finished job would cost an empty claim.
      if (this.mayHaveMore || this.inFlight.size + this.reserved + 1 >= this.concurrency) this.wake();
    });
    this.inFlight.add(running);
  }

  private async run(): Promise<void> {
    while (this.running) {
      // Wake-ups that arrive together (NOTIFYs from a burst of commits) share one claim.
      await new Promise((resolve) => setImmediate(resolve));
      this.woken = false;
      let claimed = 0;
      const free = this.concurrency - this.inFlight.size - this.reserved;
      if (free > 0) {
        try {
          const jobs = await this.claim(free);
          claimed = jobs.length;
          this.mayHaveMore = jobs.length === free;
          for (const job of jobs) this.track(job);
        } catch (error) {
          // The database may be restarting: report, wait a poll interval, try again. Never leave the loop.
          this.options.reportError('job_worker', error, { step: 'pass' });
        }
      }
      if (!this.running) break;
      // Every slot busy: wait for one to free (its job's end wakes us). Nothing found: wait for a
      // NOTIFY or the poll. Each path awaits, so a stream of wake-ups can never spin the loop.
      if (this.inFlight.size + this.reserved >= this.concurrency) await this.sleep();
      else if (claimed === 0 && !this.woken) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, this.pollMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
