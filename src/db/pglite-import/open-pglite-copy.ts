// Opens the PGlite directory an earlier release kept its data in, brought to this build's schema.
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from '../connection.js';
import { migrate } from '../migrate.js';

/**
 * Opens `dir` with PGlite and applies the migrations this build ships, so its tables have the columns
 * of the server's. PGlite is loaded here, by a dynamic import: a start without old data never loads it.
 * The caller closes the instance.
 */
export async function openPgliteCopy(
  dir: string,
  options: {
    /** Migrate only through this id (to write an earlier release's data in tests); default: all. */
    through?: string;
  } = {},
): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite(dir);
  try {
    await client.waitReady;
    await migrate(pgliteMigrationTarget(client), options);
    return client;
  } catch (error) {
    // The error rethrown below is the one to report; a failed close of a copy that did not open adds nothing.
    await client.close().catch(() => {});
    throw new Error(`the data of the earlier release in ${dir} could not be opened with PGlite`, {
      cause: error,
    });
  }
}

/**
 * migrate() runs everything through `script`, as one native transaction per migration (what the old
 * PGlite connection did). The rest of a Database (the ORM, availability, LISTEN) has no use here.
 */
export function pgliteMigrationTarget(client: PGlite): Pick<Database, 'script'> {
  return {
    script: (work) =>
      client.transaction((tx) =>
        work(async (text, params) => {
          if (params) return (await tx.query<Record<string, unknown>>(text, params)).rows;
          // Without parameters a text may hold several statements (a migration file): exec runs them all.
          await tx.exec(text);
          return [];
        }),
      ),
  };
}
