// Statements run as named prepared statements unless DATABASE_PREPARED_STATEMENTS=0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { openPostgres } from '../../src/db/connection.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase | null = null;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

/** Runs one parameterised statement, then counts the prepared statements its connection holds. */
async function preparedAfterOneQuery(preparedStatements: boolean): Promise<number> {
  const database = await openPostgres(testDatabase!.url, { preparedStatements });
  try {
    return await database.script(async (run) => {
      await run('select $1::int + 1 as answer', [41]);
      const [row] = await run('select count(*)::int as count from pg_prepared_statements');
      return Number(row!.count);
    });
  } finally {
    await database.close();
  }
}

describe('prepared statements', () => {
  it('are on by default and off with DATABASE_PREPARED_STATEMENTS=0', () => {
    expect(loadSettings({}).DATABASE_PREPARED_STATEMENTS).toBe(true);
    expect(loadSettings({ DATABASE_PREPARED_STATEMENTS: '0' }).DATABASE_PREPARED_STATEMENTS).toBe(false);
    expect(loadSettings({ DATABASE_PREPARED_STATEMENTS: 'false' }).DATABASE_PREPARED_STATEMENTS).toBe(false);
    expect(loadSettings({ DATABASE_PREPARED_STATEMENTS: '1' }).DATABASE_PREPARED_STATEMENTS).toBe(true);
  });

  it('leave a named statement on the connection only when on', async () => {
    expect(await preparedAfterOneQuery(true)).toBe(1);
    expect(await preparedAfterOneQuery(false)).toBe(0);
  });
});
