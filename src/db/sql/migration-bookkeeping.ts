// The texts of the migrations' own bookkeeping in lb_migrations. Texts, not statements: they run on the
// native client of `Database.script` (a transaction where a migration's multi-statement script may run
// too), before the schema that executeSql's callers rely on exists.

/** The table each database keeps its applied migrations in (and the PGlite import's marker). */
export const migrationsTable = 'lb_migrations';

/** Creates the table on a database that has none. */
export const createMigrationsTableText = `create table if not exists lb_migrations (
  id text primary key,
  applied_at timestamptz not null default now()
)`;

/**
 * Takes migration $1 (answers its id), or answers no row when it is taken: a second instance racing to
 * apply it blocks on the primary key until the first commits, then sees the conflict and skips.
 */
export const claimMigrationText =
  'insert into lb_migrations (id) values ($1) on conflict do nothing returning id';

/** The ids of the applied migrations. */
export const listAppliedMigrationsText = 'select id from lb_migrations';

/** One row when migration (or marker) $1 is on record. */
export const findMigrationText = 'select 1 from lb_migrations where id = $1';
