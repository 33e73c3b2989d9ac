// Which of the given tables have grown far past what their planner statistics say.
import { defineStatement } from './statement.js';

export interface TablesBehindOnStatisticsInput {
  tables: readonly string[];
  /** Smaller tables are left to autovacuum: a plan for a few hundred rows costs little whatever it is. */
  minRows: number;
  /** Behind: more live rows than this many times the rows the statistics counted (none counted: any). */
  growth: number;
  /** Statistics that counted this many rows are left to autovacuum: a plan made for them stays sound. */
  maxCounted: number;
}

/**
 * Live rows are the statistics collector's running count; `reltuples` is what the last ANALYZE saw. The
 * names are resolved as `analyze <name>` resolves them (the search path).
 */
export const tablesBehindOnStatistics = defineStatement<TablesBehindOnStatisticsInput, { table: string }>({
  name: 'tables_behind_on_statistics',
  text: `select s.relname as table_name from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.relid in (select to_regclass(name) from unnest($1::text[]) as name) and s.n_live_tup >= $2::bigint
      and s.n_live_tup > $3::float8 * greatest(c.reltuples, 0) and c.reltuples < $4::float8`,
  values: (input) => [input.tables, input.minRows, input.growth, input.maxCounted],
  row: (raw) => ({ table: String(raw.table_name) }),
  planEachCall: true,
});
