// What an import copies: the tables of schema public, parents before children, and the sequences of their columns.
import { jsonColumn } from '../sql/json-column.js';

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

/** The migrations' own bookkeeping: each side keeps its own, and the import's marker lives there. */
export const migrationsTable = 'lb_migrations';

/** Ordinary tables of schema public (partitions come with their own rows), with the columns to copy. */
const tablesText = `select c.relname as name,
    json_agg(a.attname order by a.attnum) filter (where a.attgenerated = '') as columns,
    bool_or(a.attidentity <> '') as has_identity
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  where c.relkind = 'r' and c.relname <> $1
  group by c.relname
  order by c.relname`;

/** Foreign keys between two different tables of schema public: which table each table depends on. */
const dependenciesText = `select distinct child.relname as child, parent.relname as parent
  from pg_constraint k
  join pg_class child on child.oid = k.conrelid
  join pg_class parent on parent.oid = k.confrelid
  join pg_namespace n on n.oid = child.relnamespace and n.nspname = 'public'
  where k.contype = 'f' and k.conrelid <> k.confrelid`;

/** Sequences owned by a column (serial: 'a', identity: 'i') of a table in schema public. */
const ownedSequencesText = `select quote_ident(sn.nspname) || '.' || quote_ident(s.relname) as sequence,
    t.relname as "table", a.attname as "column"
  from pg_depend d
  join pg_class s on s.oid = d.objid and s.relkind = 'S'
  join pg_namespace sn on sn.oid = s.relnamespace
  join pg_class t on t.oid = d.refobjid
  join pg_namespace tn on tn.oid = t.relnamespace and tn.nspname = 'public'
  join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
  where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
    and d.deptype in ('a', 'i')
  order by t.relname, a.attname`;

/**
 * The tables to copy, each after every table its foreign keys point to: a non-deferrable foreign key is
 * checked at the end of each insert, so a child's rows can only go in after their parents'. Ties go
 * alphabetically, so the order is the same on every run. A cycle of foreign keys cannot be ordered so:
 * it is refused (LeadBridge's schema has none).
 */
export async function listTablesToCopy(query: QueryRows): Promise<CopiedTable[]> {
  const tables = (await query(tablesText, [migrationsTable])).map((row) => ({
    name: String(row.name),
    columns: jsonColumn<string[]>(row.columns, []),
    hasIdentity: row.has_identity === true,
  }));
  const parents = new Map<string, Set<string>>(tables.map((table) => [table.name, new Set<string>()]));
  for (const row of await query(dependenciesText, [])) {
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
