// The texts the embedded server's start runs on its maintenance database `postgres`, before LeadBridge's
// own database exists (so on a client of their own, not through executeSql).

/** One row when database $1 exists. */
export const findDatabaseText = 'select 1 from pg_database where datname = $1';

/** Creates database `name` (a fixed identifier of LeadBridge's own: CREATE DATABASE takes no parameter). */
export function createDatabaseText(name: string): string {
  return `create database ${name}`;
}
