// The one way LeadBridge runs its own SQL: a statement defined once (fixed text, stable name, typed input
// and row) and run with `executeSql` on the pool or inside a transaction.
//
// The rule: every statement of the service's own work (the intake, webhooks, status changes, the job
// queue, the postbacks) is a `Statement` in a file of this folder, its text fixed and its values bound,
// prepared once per connection under its name. Drizzle stays for the schema's types and the builder reads
// and writes of the admin API, the console and the CLI (README, Development): those go unnamed, parsed and
// planned on each call, which is fine for what an operator does by hand. A caller never assembles SQL:
// when two writes must commit together, that is one more statement here, not a fragment handed across
// modules.
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from '../schema.js';

/** A statement of fixed text: `values` is the only place its input meets `$1…$n`, `row` its columns. */
export interface Statement<Input, Row> {
  /** The prepared statement's name, stable and unique among statements (unit test). */
  readonly name: string;
  /** Fixed SQL with `$1…$n`; never built from pieces at run time. */
  readonly text: string;
  /** The bind parameters for `input`, in order. */
  values(input: Input): unknown[];
  /** One returned row, typed (timestamps arrive as text, jsonb parsed, bigint as text). */
  row(raw: Record<string, unknown>): Row;
  /** Sent unnamed, so PostgreSQL plans it for each call's values (see `planEachCall`). */
  readonly planEachCall: boolean;
}

/** Declares a statement; `row` defaults to the raw row for statements whose rows are not read. */
export function defineStatement<Input, Row = Record<string, unknown>>(definition: {
  name: string;
  text: string;
  values(input: Input): unknown[];
  row?: (raw: Record<string, unknown>) => Row;
  /**
   * For a statement with optional conditions (`$n is null or …`), whose best plan depends on which are
   * set: prepared, PostgreSQL switches a connection to one generic plan after five calls when their
   * average cost allows, and a generic plan cannot use an index behind an optional condition (a whole
   * table scanned for one lead's postbacks). Unnamed, each call is planned for its own values.
   */
  planEachCall?: boolean;
}): Statement<Input, Row> {
  return {
    name: definition.name,
    text: definition.text,
    values: definition.values,
    row: definition.row ?? ((raw) => raw as Row),
    planEachCall: definition.planEachCall ?? false,
  };
}

/** Where a statement runs: the database itself (a pooled connection, committing at once) or a transaction. */
// Spelled out rather than taken from connection.ts's `Orm` (the same type): connection.ts uses texts of
// this folder, and the import would close a cycle.
export type SqlExecutor = Pick<PgDatabase<PgQueryResultHKT, typeof schema>, '_'>;

/**
 * Runs `statement` with `input` and answers its rows, mapped. It goes through the session drizzle keeps
 * for the pool or the transaction, with the statement's own name: PostgreSQL parses and plans it once per
 * connection (unless it is to be planned each call). With DATABASE_PREPARED_STATEMENTS off the pool's client sends it unnamed (connection.ts).
 */
export async function executeSql<Input, Row>(
  db: SqlExecutor,
  statement: Statement<Input, Row>,
  input: Input,
): Promise<Row[]> {
  const query = db._.session.prepareQuery(
    { sql: statement.text, params: statement.values(input) },
    undefined,
    statement.planEachCall ? undefined : statement.name,
    false,
  );
  // Without selected fields drizzle answers the driver's own result.
  const result = (await query.execute()) as { rows: Record<string, unknown>[] };
  return result.rows.map(statement.row);
}
