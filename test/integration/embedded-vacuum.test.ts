// PGlite has no autovacuum: the worker vacuums the embedded database every EMBEDDED_VACUUM_MINUTES.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/connection.js';
import { embeddedVacuumSweep } from '../../src/db/embedded-vacuum.js';
import { type Harness, startHarness } from '../support/harness.js';
import { onPostgres } from '../support/test-database.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { EMBEDDED_VACUUM_MINUTES: '10' } });
  await h.createCampaign('vacuum');
});
afterAll(async () => {
  await h?.close();
});

/** When VACUUM last ran on `leads`, as PostgreSQL records it (null: never). */
const lastVacuum = async () => {
  const [row] = await queryRows(
    h.testDatabase.database.orm,
    sql`select last_vacuum from pg_stat_user_tables where relname = 'leads'`,
  );
  return row?.last_vacuum ?? null;
};

describe.skipIf(onPostgres)('the embedded database', () => {
  it('is vacuumed and analysed once the interval has passed, not before', async () => {
    await h.service.context.worker.runOnce();
    expect(await lastVacuum()).toBeNull();
    h.clock.advance(9 * 60_000);
    await h.service.context.worker.runOnce();
    expect(await lastVacuum()).toBeNull();
    h.clock.advance(2 * 60_000);
    await h.service.context.worker.runOnce();
    expect(await lastVacuum()).not.toBeNull();
  });
});

describe('the vacuum sweep', () => {
  it('is not installed for a database server (its autovacuum does the work) or when turned off', () => {
    const logger = h.service.context.logger;
    const startedAt = new Date();
    expect(embeddedVacuumSweep({}, { intervalMs: 60_000, startedAt, logger })).toBeNull();
    expect(embeddedVacuumSweep({ vacuum: async () => {} }, { intervalMs: 0, startedAt, logger })).toBeNull();
  });

  it('logs a failed vacuum and tries again one interval later', async () => {
    let calls = 0;
    const sweep = embeddedVacuumSweep(
      {
        vacuum: async () => {
          calls++;
          throw new Error('disk full');
        },
      },
      { intervalMs: 60_000, startedAt: new Date(0), logger: h.service.context.logger },
    );
    expect(await sweep?.(new Date(59_000))).toBe(0);
    expect(calls).toBe(0);
    expect(await sweep?.(new Date(60_000))).toBe(0);
    expect(calls).toBe(1);
    expect(h.logLines.some((line) => line.includes('could not vacuum the embedded database'))).toBe(true);
    await sweep?.(new Date(90_000));
    expect(calls).toBe(1);
    await sweep?.(new Date(120_000));
    expect(calls).toBe(2);
  });
});
