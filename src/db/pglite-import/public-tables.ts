// What an import copies: the tables of schema public, parents before children, and the sequences of their columns.
import { jsonColumn } from '../sql/json-column.js';
import { migrationsTable } from '../sql/migration-bookkeeping.js';
import { ownedSequencesText, tableDependenciesText, tablesToCopyText } from '../sql/pglite-import.js';

/** Runs one statement and returns its rows: the PGlite copy's `query` or the target's script runner. */
export type QueryRows = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface CopiedTable {
  name: string;
  /** The columns to insert, in table order: all but generated (stored) ones, which the target computes. */
  columns: string[];
  /** Has an identity column: its values are inserted as they are (`overriding system value`). */
  hasIdentity: boolean;
}

export interface OwnedSequence {
  /** Schema-qualified and quoted, ready for SQL text and `::regclass`. */
  sequence: string;
  table: string;
  column: string;
}

/**
 * The tables to copy, each after every table its foreign keys point to: a non-deferrable foreign key is
 * checked at the end of each insert, so a child's rows can only go in after their parents'. Ties go
 * alphabetically, so the order is the same on every run. A cycle of foreign keys cannot be ordered so:
 * it is refused (LeadBridge's schema has none).
 */
export async function listTablesToCopy(query: QueryRows): Promise<CopiedTable[]> {
  const tables = (await query(tablesToCopyText, [migrationsTable])).map((row) => ({
    name: String(row.name),
    columns: jsonColumn<string[]>(row.columns, []),
    hasIdentity: row.has_identity === true,
  }));
  const parents = new Map<string, Set<string>>(tables.map((table) => [table.name, new Set<string>()]));
  for (const row of await query(tableDependenciesText, [])) {
    const child = parents.get(String(row.child));
    if (child && parents.has(String(row.parent))) child.add(String(row.parent));
  }
  const ordered: CopiedTable[] = [];
  const placed = new Set<string>();
  let pending = tables;
  while (pending.length > 0) {
    const ready = pending.filter((table) => [...(parents.get(table.name) ?? [])].every((p) => placed.has(p)));
    if (ready.length === 0)
      throw new Error(
        `the foreign keys of ${pending.map((table) => table.name).join(', ')} form a cycle: no order to copy them in`,
      );
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.name);
    }
    pending = pending.filter((table) => !placed.has(table.name));
  }
  return ordered;
}

/** Every sequence owned by a column of a table in schema public. */
export async function listOwnedSequences(query: QueryRows): Promise<OwnedSequence[]> {
  return (await query(ownedSequencesText, [])).map((row) => ({
    sequence: String(row.sequence),
    table: String(row.table),
    column: String(row.column),
  }));
}
