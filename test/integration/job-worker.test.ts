// The job worker's hand-offs: slots reserved for jobs inserted already claimed, and follow-up jobs.
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundErrorReport } from '../../src/background-errors.js';
import { ManualClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { claimedJob, enqueueJob, type NewJob } from '../../src/db/queue/enqueue-job.js';
import { completeJob } from '../../src/db/queue/finish-job.js';
import { sweepExpiredLeases } from '../../src/db/queue/sweep-expired-leases.js';
import { type JobHandlers, JobWorker } from '../../src/db/queue/worker.js';
import { jobs } from '../../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The queue's own kinds for these tests: jobs that carry nothing.
declare module '../../src/db/queue/job-payloads.js' {
  interface JobPayloads {
    hold: Record<string, never>;
    quick: Record<string, never>;
    first: Record<string, never>;
    second: Record<string, never>;
    slow: Record<string, never>;
    orphan: Record<string, never>;
  }
}
type TestKind = 'hold' | 'quick' | 'first' | 'second' | 'slow' | 'orphan';

let testDatabase: TestDatabase;
const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
let worker: JobWorker | null = null;
let counter = 0;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await migrate(testDatabase.database);
});
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(async () => {
  await testDatabase?.drop();
});

const db = () => testDatabase.database.orm;
const jobRow = async (id: string) => (await db().select().from(jobs).where(eq(jobs.id, id)))[0]!;
const newJob = (kind: TestKind, claimFor?: NewJob['claimFor']): NewJob => ({
  id: `job_w${counter++}`,
  kind,
  payload: {},
  maxAttempts: 3,
  runAt: clock.now(),
  ...(claimFor ? { claimFor } : {}),
});

/** Resolves when `check` holds, polling; fails the test after two seconds. */
async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let waited = 0; waited < 2_000; waited += 10) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 2 s');
}

const silent = pino({ level: 'silent' });

function startWorker(handlers: JobHandlers, options: { leaseMs?: number } = {}) {
  worker = new JobWorker({
    ...options,
    db: db(),
    clock,
    workerId: 'worker-under-test',
    handlers,
    logger: silent,
    reportError: createBackgroundErrorReport({ logger: silent, now: Date.now }),
    pollMs: 50,
    concurrency: 2,
  });
  worker.start();
  return worker;
}

describe('slot reservations', () => {
  it('are refused when the worker is not running, so callers queue the job for any worker', () => {
    const idle = new JobWorker({
      db: db(),
      clock,
      workerId: 'idle',
      handlers: {},
      logger: silent,
      reportError: createBackgroundErrorReport({ logger: silent, now: Date.now }),
    });
    expect(idle.reserve()).toBeNull();
  });

  it('run a job inserted already claimed, and count against the concurrency until it ends', async () => {
    const ran: string[] = [];
    let finish: () => void = () => {};
    const running = startWorker({
      hold: async (job) => {
        ran.push(job.id);
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        await completeJob(db(), job, clock.now());
      },
    });
    const first = running.reserve();
    const second = running.reserve();
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(running.reserve()).toBeNull(); // both slots promised

    second!.release();
    const third = running.reserve();
    expect(third).not.toBeNull(); // a released slot is free again
    third!.release();

    const job = newJob('hold', { workerId: running.id, leaseUntil: running.leaseUntil(clock.now()) });
    await enqueueJob(db(), job, clock.now());
    first!.run(claimedJob({ ...job, claimFor: job.claimFor! }));
    await eventually(() => ran.length === 1);
    expect(ran).toEqual([job.id]);
    expect(await jobRow(job.id)).toMatchObject({ state: 'running', lockedBy: 'worker-under-test' });
    finish();
    await eventually(async () => (await jobRow(job.id)).state === 'done');
  });

  it('are honoured by stop(): a job handed over after the stop began still runs before it returns', async () => {
    const running = startWorker({
      quick: async (job) => {
        await completeJob(db(), job, clock.now());
      },
    });
    const slot = running.reserve()!;
    const stopped = running.stop();
    expect(running.reserve()).toBeNull(); // no new reservations once stopping
    const job = newJob('quick', { workerId: running.id, leaseUntil: running.leaseUntil(clock.now()) });
    await enqueueJob(db(), job, clock.now());
    slot.run(claimedJob({ ...job, claimFor: job.claimFor! }));
    await stopped;
    expect((await jobRow(job.id)).state).toBe('done');
    worker = null;
  });
});

describe('follow-up jobs', () => {
  it('run next in the same slot, without a claim', async () => {
    const order: string[] = [];
    const follow = newJob('second');
    const running = startWorker({
      first: async (job) => {
        order.push(`first:${job.id}`);
        const claimFor = { workerId: running.id, leaseUntil: running.leaseUntil(clock.now()) };
        const next = { ...follow, claimFor };
        await enqueueJob(db(), next, clock.now());
        await completeJob(db(), job, clock.now());
        return claimedJob(next);
      },
      second: async (job) => {
        order.push(`second:${job.id}:${job.attempts}`);
        await completeJob(db(), job, clock.now());
      },
    });
    const first = newJob('first');
    await enqueueJob(db(), first, clock.now());
    running.wake();
    await eventually(async () => (await jobRow(follow.id))?.state === 'done');
    // Claimed once at insert (attempt 1), never claimed again by the queue.
    expect(order).toEqual([`first:${first.id}`, `second:${follow.id}:1`]);
    expect(await jobRow(follow.id)).toMatchObject({ attempts: 1, lockedBy: 'worker-under-test' });
  });
});

describe('leases', () => {
  it("are renewed while the job runs, so a live worker's slow job is never swept and run twice", async () => {
    const runs: string[] = [];
    let finish: () => void = () => {};
    const running = startWorker(
      {
        slow: async (job) => {
          runs.push(job.id);
          await new Promise<void>((resolve) => {
            finish = resolve;
          });
          await completeJob(db(), job, clock.now());
        },
      },
      { leaseMs: 600 },
    );
    const job = newJob('slow');
    await enqueueJob(db(), job, clock.now());
    running.wake();
    await eventually(() => runs.length === 1);
    const claimedUntil = (await jobRow(job.id)).lockedUntil!.getTime();

    try {
      // Time passes beyond the first lease; the worker (renewing every 200 ms) pushes it forward.
      clock.advance(500);
      await eventually(async () => (await jobRow(job.id)).lockedUntil!.getTime() > claimedUntil);
      clock.advance(700); // past the renewed lease too: only a second renewal keeps the job
      await eventually(async () => (await jobRow(job.id)).lockedUntil!.getTime() > clock.now().getTime());
      expect(await sweepExpiredLeases(db(), clock.now())).toBe(0);
    } finally {
      finish();
    }
    await eventually(async () => (await jobRow(job.id)).state === 'done');
    expect(runs).toEqual([job.id]);
  });

  it('run out once the worker stops renewing them, and the job goes back to the queue', async () => {
    const job = newJob('orphan', {
      workerId: 'dead-worker',
      leaseUntil: new Date(clock.now().getTime() + 600),
    });
    await enqueueJob(db(), job, clock.now());
    clock.advance(601);
    expect(await sweepExpiredLeases(db(), clock.now())).toBe(1);
    expect(await jobRow(job.id)).toMatchObject({ state: 'pending', lockedBy: null });
  });
});
