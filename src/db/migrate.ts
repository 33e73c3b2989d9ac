// Applies the numbered SQL files in ./migrations once each, in order.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './connection.js';
import {
  claimMigrationText,
  createMigrationsTableText,
  listAppliedMigrationsText,
} from './sql/migration-bookkeeping.js';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Runs pending migrations and returns the ids it applied. Each migration runs in its own
 * transaction that first inserts its id: when two instances race, the second blocks on the
 * primary key until the first commits, then sees the conflict and skips (graphile-worker's trick).
 */
export async function migrate(
  db: Pick<Database, 'script'>,
  options: {
    /** Stop after this migration id (an earlier release's schema, for upgrade tests); default: all. */
    through?: string;
  } = {},
): Promise<string[]> {
  await db.script((run) => run(createMigrationsTableText));
  const files = (await readdir(migrationsDir))
    .filter((name) => /^\d{4}_.+\.sql$/.test(name))
    .sort()
    .filter((name) => options.through === undefined || name.replace(/\.sql$/, '') <= options.through);
  const applied: string[] = [];
  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const text = await readFile(join(migrationsDir, file), 'utf8');
    const ran = await db.script(async (run) => {
      const inserted = await run(claimMigrationText, [id]);
      if (inserted.length === 0) return false;
      await run(text);
      return true;
    });
    if (ran) applied.push(id);
  }
  return applied;
}

/** The ids of migrations shipped with this build that the database has not applied (for /readyz). */
export async function pendingMigrations(db: Database): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => /^\d{4}_.+\.sql$/.test(name)).sort();
  const rows = await db.script((run) => run(listAppliedMigrationsText, []));
  const done = new Set(rows.map((row) => String(row.id)));
  return files.map((file) => file.replace(/\.sql$/, '')).filter((id) => !done.has(id));
}
