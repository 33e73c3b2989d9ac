// The text a dedicated connection runs to hear the NOTIFYs of a channel (connection.ts, `listen`). A text,
// not a statement: LISTEN takes the channel only as an identifier, never as a bound value.
import pg from 'pg';

/** Starts listening on `channel` (quoted as an identifier). */
export function listenText(channel: string): string {
  return `listen ${pg.escapeIdentifier(channel)}`;
}
