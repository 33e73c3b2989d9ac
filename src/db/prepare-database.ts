// What every start does to its database before using it: migrate, then carry over an earlier PGlite default's data.
import type { Database } from './connection.js';
import { migrate } from './migrate.js';
import { type ImportLog, importPgliteDataIfPresent } from './pglite-import/import-pglite-data.js';

/** Migrates `database` and, when it is the embedded server, imports `dataDir/pglite` once. Returns the migrations applied. */
export async function prepareDatabase(
  database: Database,
  options: { dataDir: string; log: ImportLog; now: () => Date },
): Promise<string[]> {
  const applied = await migrate(database);
  if (database.kind === 'embedded') await importPgliteDataIfPresent({ ...options, target: database });
  return applied;
}
