// Errors of connections nobody awaits (the pool's idle connections, the LISTEN connection) are logged and counted.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../support/child-service.js';
import { type Harness, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';
import { suiteServerUrl } from '../support/test-database.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** leadbridge_background_errors_total{where} as /metrics serves it. */
async function backgroundErrors(where: string): Promise<number> {
  const { text } = await h.request({ method: 'GET', url: '/metrics' });
  const line = text
    .split('\n')
    .find((each) => each.startsWith(`leadbridge_background_errors_total{where="${where}"}`));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

/** The log lines reporting a background error at `where`. */
const linesAt = (where: string) =>
  h.logLines.map((line) => JSON.parse(line)).filter((entry) => entry.where === where);

/** Ends, from an admin connection, this test database's server processes whose last statement matches `query`. */
async function terminateBackends(query: 'listen' | 'not listen'): Promise<number> {
  const admin = new pg.Client({ connectionString: suiteServerUrl() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = $1 and pid <> pg_backend_pid() and (query ilike 'listen %') = $2`,
      [new URL(h.testDatabase.url).pathname.slice(1), query === 'listen'],
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

it('logs and counts an idle pooled connection that the server ends, and the pool carries on', async () => {
  const before = await backgroundErrors('pool_idle_client');
  expect(before).toBe(0);
  // The scrape above left its connection idle in the pool.
  expect(await terminateBackends('not listen')).toBeGreaterThan(0);

  await waitFor(async () => (await backgroundErrors('pool_idle_client')) > before, 10_000, 'the count');
  const [line] = linesAt('pool_idle_client');
  expect(line).toMatchObject({
    level: 40,
    cause: { code: '57P01', message: expect.stringContaining('terminating connection') },
    suppressed: 0,
  });
  expect(line.msg).toContain('idle database connection failed');
  // Reported, not fatal: the next statement gets a new connection.
  expect(await queryRows(h.testDatabase.database.orm, sql`select 1 as one`)).toEqual([{ one: 1 }]);
});

it('logs and counts a LISTEN connection that the server ends, and listens again', async () => {
  const before = await backgroundErrors('listen_connection');
  expect(await terminateBackends('listen')).toBe(1);

  await waitFor(async () => (await backgroundErrors('listen_connection')) > before, 10_000, 'the count');
  expect(linesAt('listen_connection')[0]).toMatchObject({
    level: 40,
    cause: { code: '57P01' },
    msg: expect.stringContaining('LISTEN connection failed'),
  });
  // It reconnects by itself (250 ms backoff): a LISTEN backend is there again.
  await waitFor(async () => (await listenConnections()) === 1, 10_000, 'the LISTEN connection again');
});

/** How many LISTEN connections this test database has (without ending any). */
async function listenConnections(): Promise<number> {
  const admin = new pg.Client({ connectionString: suiteServerUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query(
      `select count(*)::int as n from pg_stat_activity where datname = $1 and query ilike 'listen %'`,
      [new URL(h.testDatabase.url).pathname.slice(1)],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}
