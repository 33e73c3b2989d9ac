// A fresh database per test file, on the suite's embedded server or on the server at TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPostgres } from '../../src/db/connection.js';

export interface TestDatabase {
  database: Database;
  /** Its connection URL (for child processes and admin connections). */
  url: string;
  drop(): Promise<void>;
}

/** True when the suite runs against a PostgreSQL server of the machine's (TEST_DATABASE_URL), not the embedded default. */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** The server the suite's databases are made on: TEST_DATABASE_URL, or the embedded server of the global set-up. */
export function suiteServerUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.TEST_EMBEDDED_DATABASE_URL;
  if (!url)
    throw new Error('no test database server: run the suite with vitest (its global set-up starts one)');
  return url;
}

/** Creates an empty database so runs never see each other's rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = suiteServerUrl();
  const name = `lb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString());
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
