// The statements of src/db/sql run as named prepared statements unless DATABASE_PREPARED_STATEMENTS=0;
// anything else (drizzle's builder queries, the texts run on a script client) goes unnamed.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { openPostgres } from '../../src/db/connection.js';
import { defineStatement, executeSql } from '../../src/db/sql/statement.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase | null = null;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await testDatabase?.drop();
});

/** Runs one parameterised statement not defined in src/db/sql, then counts the prepared statements its connection holds. */
async function preparedAfterUndefinedStatement(preparedStatements: boolean): Promise<number> {
  const database = await openPostgres(testDatabase!.url, { preparedStatements });
  try {
    return await database.orm.transaction(async (tx) => {
      await queryRows(tx, sql`select ${41}::int + 1 as answer`);
      const [row] = await queryRows(tx, sql`select count(*)::int as count from pg_prepared_statements`);
      return Number(row!.count);
    });
  } finally {
    await database.close();
  }
}

const answer = defineStatement<{ question: number }, { answer: number }>({
  name: 'test_answer',
  text: 'select $1::int + 1 as answer',
  values: (input) => [input.question],
  row: (raw) => ({ answer: Number(raw.answer) }),
});

/** Runs a defined statement in a transaction, then lists the prepared statements of its connection. */
async function namesAfterDefinedStatement(preparedStatements: boolean): Promise<string[]> {
  const database = await openPostgres(testDatabase!.url, { preparedStatements });
  try {
    return await database.orm.transaction(async (tx) => {
      expect(await executeSql(tx, answer, { question: 41 })).toEqual([{ answer: 42 }]);
      const rows = await queryRows(tx, sql`select name from pg_prepared_statements`);
      return rows.map((row) => String(row.name));
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

  it('leave nothing prepared for a statement not defined in src/db/sql, on or off', async () => {
    expect(await preparedAfterUndefinedStatement(true)).toBe(0);
    expect(await preparedAfterUndefinedStatement(false)).toBe(0);
  });

  it('run a defined statement under its own name only when on', async () => {
    expect(await namesAfterDefinedStatement(true)).toContain('test_answer');
    expect(await namesAfterDefinedStatement(false)).toEqual([]);
  });
});
