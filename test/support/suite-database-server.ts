// Vitest global set-up: the server the suite's databases live on, and a migrated template to copy them from.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres } from '../../src/db/connection.js';
import { startEmbeddedServer } from '../../src/db/embedded-server/start-embedded-server.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * Without TEST_DATABASE_URL the suite runs on the embedded default: one server for the run, started as
 * `leadbridge serve` starts it (same binaries, settings and socket), with more connections: each test
 * file gets a database of its own on it, two files run at a time, and each holds a pool of ten. Tests that
 * start `leadbridge serve` as a child give it a DATA_DIR of its own instead, so the child starts its own
 * embedded server, as in production.
 *
 * Either way the migrations run once, into a template database; each test file's database is a copy of
 * it (`create database … template …`), so no file pays for migrating. The template is this run's own:
 * runs on one shared server never see each other's.
 */
export default async function startSuiteDatabases(): Promise<() => Promise<void>> {
  let stopServer = async () => {};
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-suite-'));
    const server = await startEmbeddedServer({ dataDir, settings: { max_connections: '200' } });
    process.env.TEST_EMBEDDED_DATABASE_URL = server.url;
    serverUrl = server.url;
    stopServer = async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
  }
  const template = `lb_template_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${template}`);
  const database = await openPostgres(databaseUrl(serverUrl, template));
  try {
    await migrate(database);
  } finally {
    // A template cannot be copied while anyone is connected to it.
    await database.close();
  }
  process.env.TEST_TEMPLATE_DATABASE = template;
  return async function stopSuiteDatabases() {
    await adminQuery(serverUrl, `drop database if exists ${template} with (force)`);
    await stopServer();
  };
}

/** `url` with its database name replaced (the embedded server's URL keeps its socket in the query). */
export function databaseUrl(url: string, name: string): string {
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}
