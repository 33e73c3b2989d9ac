// A table that grows fast is analyzed before autovacuum gets to it, so prepared statements are planned
// again for the table it has become, not kept from when it was nearly empty.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeTablesBehind, keepTableStatisticsCurrent } from '../../src/db/table-statistics.js';
import { someoneWaitsOnALock } from '../support/lock-waits.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase;
beforeAll(async () => {
  testDatabase = await createTestDatabase();
  // Autovacuum would analyze the table too, at its own moment: these specs count only this pass's.
  await testDatabase.database.script(async (run) => {
    await run('alter table leads set (autovacuum_enabled = off)');
  });
});
afterAll(async () => {
  await testDatabase?.drop();
});

async function addLeads(count: number, from: number) {
  await testDatabase.database.script(async (run) => {
    await run(`insert into leads (id, campaign_id, state, click_id, phone, created_at, updated_at)
      select 'lead_' || n, 'camp_1', 'created', 'click_' || n, '+7913' || (1000000 + n), now(), now()
      from generate_series(${from}, ${from + count - 1}) as n`);
    // The statistics collector's count is sent when the session next goes idle; now, not in a second.
    await run('select pg_stat_force_next_flush()');
  });
}

/** Passes until one analyzes something (the collector's count arrives a moment after the commit). */
async function analyzedWithin(ms: number) {
  const deadline = Date.now() + ms;
  for (;;) {
    const analyzed = await analyzeTablesBehind(testDatabase.database.orm);
    if (analyzed.length > 0 || Date.now() > deadline) return analyzed;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statisticsRows = async () => {
  const [row] = await queryRows<{ reltuples: number }>(
    testDatabase.database.orm,
    sql`select reltuples from pg_class where relname = 'leads' and relnamespace = current_schema()::regnamespace`,
  );
  return Number(row?.reltuples);
};

describe('the hot tables’ planner statistics', () => {
  it('are left alone while a table is small', async () => {
    await addLeads(500, 1);
    expect(await analyzedWithin(1_000)).toEqual([]);
  });

  it('are taken again once a table has grown past them fourfold', async () => {
    await addLeads(1_000, 501);
    expect(await analyzedWithin(5_000)).toEqual(['leads']);
    expect(await statisticsRows()).toBe(1_500);
    // Now current: nothing to do until the table has grown fourfold again.
    await addLeads(1_000, 1_501);
    expect(await analyzedWithin(1_000)).toEqual([]);
    await addLeads(4_000, 2_501);
    expect(await analyzedWithin(5_000)).toEqual(['leads']);
    expect(await statisticsRows()).toBe(6_500);
  });

  it('are not left half taken at shutdown: stopping waits for the pass in progress', async () => {
    await addLeads(30_000, 6_501);
    const errors: unknown[] = [];
    const stop = keepTableStatisticsCurrent({
      db: testDatabase.database.orm,
      intervalMs: 20,
      reportBackgroundError: (_where, error) => errors.push(error),
    });
    let stopping: Promise<void> | undefined;
    try {
      await testDatabase.database.script(async (run) => {
        // ANALYZE waits for this lock, so the pass is caught in progress.
        await run('lock table leads in share update exclusive mode');
        expect(
          await someoneWaitsOnALock(testDatabase.database.orm, { queryStart: 'analyze', timeoutMs: 10_000 }),
        ).toBe(true);
        let stopped = false;
        stopping = stop().then(() => {
          stopped = true;
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(stopped).toBe(false);
        // The transaction commits (releasing the lock) on return; only then can the pass, and the stop, end.
      });
    } finally {
      await (stopping ?? stop());
    }
    expect(errors).toEqual([]);
    const [row] = await queryRows<{ count: number }>(
      testDatabase.database.orm,
      sql`select count(*)::int as count from leads`,
    );
    expect(await statisticsRows()).toBe(row?.count);
  });
});
