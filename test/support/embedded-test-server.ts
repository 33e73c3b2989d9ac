// Vitest global set-up: without TEST_DATABASE_URL the suite runs on the embedded default, one server for the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServer } from '../../src/db/embedded-server/start-embedded-server.js';

/**
 * Started as `leadbridge serve` starts it (same binaries, settings and socket), with more connections:
 * each test file gets a database of its own on it (test-database.ts), two files run at a time, and each
 * holds a pool of ten. Tests that start `leadbridge serve` as a child give it a DATA_DIR of its own instead,
 * so the child starts its own embedded server, as in production.
 */
export default async function startSuiteServer(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.TEST_DATABASE_URL) return undefined;
  const dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-suite-'));
  const server = await startEmbeddedServer({ dataDir, settings: { max_connections: '200' } });
  process.env.TEST_EMBEDDED_DATABASE_URL = server.url;
  return async function stopSuiteServer() {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
