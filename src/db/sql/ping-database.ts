// One cheap round trip: whether the database answers at all (readiness, the availability probe, the embedded
// server's start).
import { defineStatement } from './statement.js';

/** The text alone, for connections of their own that run it outside executeSql. */
export const pingText = 'select 1';

export const pingDatabase = defineStatement<Record<string, never>>({
  name: 'ping_database',
  text: pingText,
  values: () => [],
});
