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

/** A statement with an optional condition: planned for each call's values, never prepared. */
const optionalAnswer = defineStatement<{ question: number | null }, { answer: number | null }>({
  name: 'test_optional_answer',
  text: 'select case when $1::int is null then null else $1::int + 1 end as answer',
  values: (input) => [input.question],
  row: (raw) => ({ answer: raw.answer === null ? null : Number(raw.answer) }),
  planEachCall: true,
});

/** Runs the defined statements in a transaction, then lists the prepared statements of its connection. */
async function namesAfterDefinedStatement(preparedStatements: boolean): Promise<string[]> {
  const database = await openPostgres(testDatabase!.url, { preparedStatements });
  try {
    return await database.orm.transaction(async (tx) => {
      expect(await executeSql(tx, answer, { question: 41 })).toEqual([{ answer: 42 }]);
      for (const question of [1, null, 2, null, 3, null, 4]) {
        expect(await executeSql(tx, optionalAnswer, { question })).toEqual([
          { answer: question === null ? null : question + 1 },
        ]);
      }
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

  it('run a defined statement under its own name only when on, and one planned each call never', async () => {
    expect(await namesAfterDefinedStatement(true)).toEqual(['test_answer']);
    expect(await namesAfterDefinedStatement(false)).toEqual([]);
  });
});
