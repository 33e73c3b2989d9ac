// A fresh database per test file, on the suite's embedded server or on the server at TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { type Database, openPostgres } from '../../src/db/connection.js';
import { adminQuery, databaseUrl } from './suite-database-server.js';

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

/**
 * Creates a database of its own, so runs never see each other's rows: migrated (a copy of the run's
 * template, made by the global set-up), or `empty` for a test that migrates it itself.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = suiteServerUrl();
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!template && !options.empty)
    throw new Error('no template database: run the suite with vitest (its global set-up makes one)');
  const name = `lb_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(
    serverUrl,
    options.empty ? `create database ${name}` : `create database ${name} template ${template}`,
  );
  const url = databaseUrl(serverUrl, name);
  const database = await openPostgres(url);
  return {
    database,
    url,
    async drop() {
      await database.close();
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
