// The texts of the one-off import of an earlier release's PGlite data (src/db/pglite-import/). Texts, not
// statements: they run on the PGlite copy's own client and on the target's script transaction, and most
// name a table or sequence, which SQL takes only as an identifier, never as a bound value.
import pg from 'pg';

/** Ordinary tables of schema public but $1 (partitions come with their own rows), with the columns to copy. */
export const tablesToCopyText = `select c.relname as name,
    json_agg(a.attname order by a.attnum) filter (where a.attgenerated = '') as columns,
    bool_or(a.attidentity <> '') as has_identity
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
  join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
  where c.relkind = 'r' and c.relname <> $1
  group by c.relname
  order by c.relname`;

/** Foreign keys between two different tables of schema public: which table each table depends on. */
export const tableDependenciesText = `select distinct child.relname as child, parent.relname as parent
  from pg_constraint k
  join pg_class child on child.oid = k.conrelid
  join pg_class parent on parent.oid = k.confrelid
  join pg_namespace n on n.oid = child.relnamespace and n.nspname = 'public'
  where k.contype = 'f' and k.conrelid <> k.confrelid`;

/** Sequences owned by a column (serial: 'a', identity: 'i') of a table in schema public. */
export const ownedSequencesText = `select quote_ident(sn.nspname) || '.' || quote_ident(s.relname) as sequence,
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

/** One row, `found`: whether `table` holds any row. */
export function tableHasRowsText(table: string): string {
  return `select exists (select 1 from ${pg.escapeIdentifier(table)}) as found`;
}

/** One row, `last`: the last value `sequence` (quoted, as ownedSequencesText answers it) handed out, or null. */
export function sequencePositionText(sequence: string): string {
  return `select case when is_called then last_value::text end as last from ${sequence}`;
}

/** Moves sequence $1 past both the largest `column` of `table` and position $2 (null: none). */
export function moveSequenceText(table: string, column: string): string {
  return `select setval($1::regclass, greatest(max(${pg.escapeIdentifier(column)}), $2::bigint))
    from ${pg.escapeIdentifier(table)}`;
}

/**
 * Inserts the rows of JSON parameter $1 (rows as `row_to_json` wrote them) into `table`'s `columns`;
 * `json_populate_recordset(null::table, …)` gives them the table's own types, and identity values are
 * kept as they are.
 */
export function insertCopiedRowsText(table: string, columns: string[], hasIdentity: boolean): string {
  const name = pg.escapeIdentifier(table);
  const list = columns.map((column) => pg.escapeIdentifier(column)).join(', ');
  return `insert into ${name} (${list})${hasIdentity ? ' overriding system value' : ''}
    select ${list} from json_populate_recordset(null::${name}, $1::json)`;
}

/** The cursor over `table`'s rows, each as its JSON text (`row`). */
export const copyCursorName = 'lb_import_rows';

/** Opens the cursor over `table` (inside a transaction). */
export function declareCopyCursorText(table: string): string {
  return `declare ${copyCursorName} no scroll cursor for select row_to_json(t)::text as row from ${pg.escapeIdentifier(table)} t`;
}

/** The next `rows` rows of the cursor. */
export function fetchCopyCursorText(rows: number): string {
  return `fetch ${rows} from ${copyCursorName}`;
}

export const closeCopyCursorText = `close ${copyCursorName}`;
