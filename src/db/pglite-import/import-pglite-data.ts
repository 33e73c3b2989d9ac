// Carries the data of an earlier release's embedded PGlite database (DATA_DIR/pglite) into the embedded server, once.
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Database, ScriptRunner } from '../connection.js';
import { isAlive, readHolder } from '../embedded-server/data-dir-lock.js';
import { exists } from '../file-exists.js';
import { claimMigrationText, findMigrationText } from '../sql/migration-bookkeeping.js';
import {
  closeCopyCursorText,
  declareCopyCursorText,
  fetchCopyCursorText,
  insertCopiedRowsText,
  moveSequenceText,
  sequencePositionText,
  tableHasRowsText,
} from '../sql/pglite-import.js';
import { type CopiedTable, listOwnedSequences, listTablesToCopy, type QueryRows } from './public-tables.js';

/** The row in lb_migrations that says the PGlite data was copied (with the copy, in one transaction). */
export const importMarker = 'import_pglite';

/** Rows read from PGlite and inserted on the server per statement. */
const batchRows = 1_000;

export type PgliteImportRefusalCode =
  /** The server already holds LeadBridge data, and not from an import: copying would mix two databases. */
  | 'PGLITE_IMPORT_TARGET_NOT_EMPTY'
  /** A process of the earlier release still runs on DATA_DIR/pglite (its pglite.pid is alive). */
  | 'PGLITE_IMPORT_IN_USE';

/** The import will not run; the operator decides (the PGlite data stays where it is, untouched). */
export class PgliteImportRefusedError extends Error {
  /** Starting again changes nothing until the operator acts. */
  readonly transient = false;
  constructor(
    readonly code: PgliteImportRefusalCode,
    message: string,
    readonly details: { tables?: string[]; pid?: number } = {},
  ) {
    super(message);
    this.name = 'PgliteImportRefusedError';
  }
}

export interface ImportLog {
  info(detail: object, message: string): void;
  warn(detail: object, message: string): void;
}

/**
 * When `dataDir/pglite` holds an earlier release's PGlite database, copies every table of it into
 * `target` (the embedded server, migrated) and moves the directory aside to `pglite-imported-<UTC stamp>`.
 * Without it, returns `{imported: false}` at once, without loading PGlite.
 *
 * The copy and its marker row in lb_migrations commit together: a process that dies mid-copy leaves the
 * target as it was and the directory in place, so the next start copies again; one that dies after the
 * commit leaves the marker, so the next start only moves the directory aside. Refused (nothing copied)
 * when the target already holds data without the marker, or an old release still runs on the directory.
 */
export async function importPgliteDataIfPresent(options: {
  dataDir: string;
  target: Database;
  log: ImportLog;
  now: () => Date;
}): Promise<{ imported: boolean; rows?: Record<string, number> }> {
  const { dataDir, target, log } = options;
  const dir = join(dataDir, 'pglite');
  if (!(await exists(join(dir, 'PG_VERSION')))) return { imported: false };
  await refuseWhileOldReleaseRuns(dataDir);
  const marked = await target.script((run) => run(findMigrationText, [importMarker]));
  if (marked.length > 0) {
    log.warn({ from: dir }, 'the PGlite data was imported before but not moved aside: moving it now');
    await moveAside(dataDir, options.now(), log);
    return { imported: false };
  }
  log.info(
    { from: dir },
    'importing the data of the earlier embedded database (PGlite) into the embedded server',
  );
  const { openPgliteCopy } = await import('./open-pglite-copy.js');
  const source = await openPgliteCopy(dir);
  let rows: Record<string, number> | null;
  try {
    rows = await target.script((run) => copyAll(source, run, log));
  } finally {
    await source.close();
  }
  if (rows === null) {
    log.warn({ from: dir }, 'another process imported the PGlite data meanwhile: moving it aside');
  } else {
    const total = Object.values(rows).reduce((sum, count) => sum + count, 0);
    log.info({ rows: total, tables: Object.keys(rows).length }, 'imported the PGlite data');
  }
  await moveAside(dataDir, options.now(), log);
  return rows === null ? { imported: false } : { imported: true, rows };
}

/**
 * Inside the target's transaction: takes the marker first (a second process racing here blocks on its
 * primary key, then finds it taken and copies nothing: null), checks the target holds no data, copies
 * the tables parents first, then moves each sequence past the ids it now holds.
 */
async function copyAll(
  source: PGlite,
  run: ScriptRunner,
  log: ImportLog,
): Promise<Record<string, number> | null> {
  const taken = await run(claimMigrationText, [importMarker]);
  if (taken.length === 0) return null;
  const filled: string[] = [];
  for (const table of await listTablesToCopy(run)) {
    const [row] = await run(tableHasRowsText(table.name), []);
    if (row?.found === true) filled.push(table.name);
  }
  if (filled.length > 0)
    throw new PgliteImportRefusedError(
      'PGLITE_IMPORT_TARGET_NOT_EMPTY',
      `DATA_DIR/pglite holds the data of an earlier release, but the embedded server already holds data (in ${filled.join(', ')}): nothing was imported. Move DATA_DIR/pglite aside to start without it.`,
      { tables: filled },
    );
  const read: QueryRows = async (text, params) =>
    (await source.query<Record<string, unknown>>(text, params)).rows;
  const tables = await listTablesToCopy(read);
  const rows: Record<string, number> = {};
  for (const table of tables) {
    rows[table.name] = await copyTable(source, run, table);
    log.info({ table: table.name, rows: rows[table.name] }, 'copied a table from PGlite');
  }
  const copied = new Set(tables.map((table) => table.name));
  for (const owned of await listOwnedSequences(read)) {
    if (!copied.has(owned.table)) continue;
    // The old sequence's position too, not only max(id): ids of deleted rows are never handed out again.
    const [position] = await read(sequencePositionText(owned.sequence));
    await run(moveSequenceText(owned.table, owned.column), [owned.sequence, position?.last ?? null]);
  }
  return rows;
}

/**
 * Streams one table through a cursor (one scan, whatever its size) in batches of JSON rows. The rows
 * stay JSON text from PGlite to the server: parsed in JavaScript, a bigint or numeric beyond 2^53 would
 * lose digits. `json_populate_recordset(null::table, …)` turns them back into rows of the table's own
 * types; generated columns are left out (the server computes them), identity values kept as they are.
 */
async function copyTable(source: PGlite, run: ScriptRunner, table: CopiedTable): Promise<number> {
  const insertText = insertCopiedRowsText(table.name, table.columns, table.hasIdentity);
  return source.transaction(async (tx) => {
    await tx.query(declareCopyCursorText(table.name));
    let count = 0;
    for (;;) {
      const batch = await tx.query<{ row: string }>(fetchCopyCursorText(batchRows));
      if (batch.rows.length === 0) break;
      await run(insertText, [`[${batch.rows.map((row) => row.row).join(',')}]`]);
      count += batch.rows.length;
    }
    await tx.query(closeCopyCursorText);
    return count;
  });
}

/** The earlier release kept DATA_DIR/pglite.pid while it ran: a live pid other than ours is still using the data. */
async function refuseWhileOldReleaseRuns(dataDir: string): Promise<void> {
  const pid = (await readHolder(join(dataDir, 'pglite.pid')))?.pid ?? null;
  if (pid !== null && pid !== process.pid && isAlive(pid))
    throw new PgliteImportRefusedError(
      'PGLITE_IMPORT_IN_USE',
      `an earlier LeadBridge (process ${pid}) still runs on ${join(dataDir, 'pglite')}: stop it, then start again to import its data (if none runs, the process id belongs to another program: delete ${join(dataDir, 'pglite.pid')})`,
      { pid },
    );
}

/** Renames DATA_DIR/pglite to pglite-imported-<UTC stamp> (kept, not deleted) and drops the old pid file. */
async function moveAside(dataDir: string, now: Date, log: ImportLog): Promise<void> {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const to = join(dataDir, `pglite-imported-${stamp}`);
  await rename(join(dataDir, 'pglite'), to);
  await rm(join(dataDir, 'pglite.pid'), { force: true });
  log.info({ to }, 'moved the imported PGlite data aside (delete it once the import is checked)');
}
