// Opens the one database LeadBridge uses: its embedded PostgreSQL server on DATA_DIR, or the server at DATABASE_URL.
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { DatabaseAvailability } from './database-availability.js';
import { type EmbeddedServerLog, startEmbeddedServer } from './embedded-server/start-embedded-server.js';
import * as schema from './schema.js';
import { listenText } from './sql/listen-to-channel.js';
import { pingText } from './sql/ping-database.js';
import { beginText, commitText, rollbackText } from './sql/transaction-control.js';

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;
/** What a repository function accepts: the database itself or an open transaction. */
export type Executor = Pick<Orm, 'select' | 'insert' | 'update' | 'delete' | 'execute' | '_'>;

/** Runs raw SQL inside one native transaction; without params a text may hold several statements. */
export type ScriptRunner = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Where a connection of the database's own fails with nobody awaiting it (a `where` of the background errors). */
export type DatabaseErrorSite = 'pool_idle_client' | 'listen_connection';

export interface Database {
  /** `embedded`: the server LeadBridge started on DATA_DIR itself; `postgres`: one at DATABASE_URL. */
  readonly kind: 'embedded' | 'postgres';
  readonly orm: Orm;
  /** Whether the database can be reached; requests are refused with 503 while it is down. */
  readonly availability: DatabaseAvailability;
  /** For migrations: a transaction on the native client, where multi-statement scripts are allowed. */
  script<T>(work: (run: ScriptRunner) => Promise<T>): Promise<T>;
  /**
   * Calls `onSignal` on every NOTIFY on `channel`, and once more after each (re)connection, since
   * notifications sent while disconnected are lost (a latency hint only; workers also poll).
   * Returns a function that stops listening.
   */
  listen(channel: string, onSignal: () => void): Promise<() => Promise<void>>;
  /**
   * Hears the errors of connections nobody awaits: an idle pooled connection that broke, the LISTEN
   * connection breaking or failing to open. Each is handled here (replaced, reconnected); the listener
   * is for the operator's log and metrics.
   */
  onBackgroundError(listener: (where: DatabaseErrorSite, error: unknown) => void): void;
  close(): Promise<void>;
}

/** Opens PostgreSQL when `url` is given, otherwise the embedded server on `dataDir` (started here). */
export async function openDatabase(options: {
  url?: string;
  dataDir: string;
  /** Run the statements of src/db/sql as named prepared statements (default true). */
  preparedStatements?: boolean;
  /** The longest a request waits for a connection before it is refused (default 5000 ms). */
  unavailableWaitMs?: number;
  /** Where the embedded server's start, stop and restarts are reported. */
  log?: EmbeddedServerLog;
}): Promise<Database> {
  const settings = {
    preparedStatements: options.preparedStatements,
    unavailableWaitMs: options.unavailableWaitMs,
  };
  if (options.url) return openPostgres(options.url, settings);
  const server = await startEmbeddedServer({ dataDir: options.dataDir, log: options.log });
  try {
    const database = await openPostgres(server.url, settings);
    return {
      ...database,
      kind: 'embedded',
      async close() {
        await database.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Default of DATABASE_UNAVAILABLE_WAIT_MS. */
export const defaultUnavailableWaitMs = 5_000;

/**
 * The pool's client with DATABASE_PREPARED_STATEMENTS off: a pooler in transaction mode (PgBouncer before
 * 1.21) may run each statement on another server connection, where a named statement prepared earlier
 * does not exist. So the statements `executeSql` names go unnamed too (drizzle's builder queries always do).
 */
class UnnamedStatementsClient extends pg.Client {
  override query(config: unknown, ...rest: unknown[]): never {
    const unnamed =
      config !== null && typeof config === 'object' && (config as { name?: unknown }).name
        ? { ...config, name: undefined }
        : config;
    return (pg.Client.prototype.query as (...args: unknown[]) => never).call(this, unnamed, ...rest);
  }
}

export async function openPostgres(
  url: string,
  options: { preparedStatements?: boolean; unavailableWaitMs?: number } = {},
): Promise<Database> {
  const waitMs = options.unavailableWaitMs ?? defaultUnavailableWaitMs;
  const prepared = options.preparedStatements ?? true;
  const pool = new pg.Pool({
    connectionString: url,
    Client: prepared ? pg.Client : UnnamedStatementsClient,
    max: 10,
    // Bounds both a connection attempt and the wait for a free connection: while the server is away a
    // request is refused with 503 after at most this long, never left hanging.
    connectionTimeoutMillis: waitMs,
    // A server that vanished without closing its sockets is noticed by the operating system's keepalive
    // probes, starting after 10 s idle (the kernel's default is two hours).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  const availability = new DatabaseAvailability({
    // A connection of its own: the pool may still hold connections the server has just closed.
    probe: () => probeConnection(url, waitMs),
    waitMs,
  });
  const errorListeners: ((where: DatabaseErrorSite, error: unknown) => void)[] = [];
  const reportError = (where: DatabaseErrorSite, error: unknown) => {
    for (const listener of errorListeners) listener(where, error);
  };
  // A dropped idle connection must not crash the process: the pool removes it and replaces it on next
  // use. The error is reported, and starts an availability check (whose outcome is logged and measured).
  pool.on('error', (error) => {
    reportError('pool_idle_client', error);
    availability.notice(error);
  });
  // A connection that breaks while checked out between two statements (in a transaction) emits 'error'
  // with no listener of the pool's: unheard, that would end the process. The statement after it fails
  // and its caller hears why, so this is not reported again (an idle connection's error reaches this
  // listener too, and is reported above); it only starts the availability check.
  pool.on('connect', (client) => client.on('error', (error) => availability.notice(error)));
  const orm = drizzlePg({ client: pool, schema }) as unknown as Orm;
  return {
    kind: 'postgres',
    orm,
    availability,
    async script(work) {
      const client = await pool.connect();
      try {
        await client.query(beginText);
        const result = await work(async (text, params) => (await client.query(text, params)).rows);
        await client.query(commitText);
        return result;
      } catch (error) {
        // The statement's error is the one thrown; a rollback that fails too (the connection broke) adds
        // nothing, and the server rolls back a transaction whose connection is gone.
        await client.query(rollbackText).catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    listen: (channel, onSignal) =>
      listenWithReconnect(url, channel, onSignal, (error) => reportError('listen_connection', error)),
    onBackgroundError(listener) {
      errorListeners.push(listener);
    },
    close: () => {
      availability.stop();
      return pool.end();
    },
  };
}

/** Opens a new connection, runs `select 1` and closes it: can the server be reached right now? */
async function probeConnection(url: string, waitMs: number): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: waitMs,
    query_timeout: waitMs,
  });
  // The probe's answer is its connect and query: their failure rejects it and the availability check
  // reports it. An error after that (the server closing the socket) says nothing more, and unheard
  // it would end the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(pingText);
  } finally {
    // Closing a connection that failed or is done; the probe's outcome is already decided above.
    await client.end().catch(() => {});
  }
}

/**
 * A dedicated connection for LISTEN that reconnects with backoff when the server goes away. Each failure
 * (the connection breaking, a connect or LISTEN that fails) goes to `onError`; nobody else awaits it.
 */
async function listenWithReconnect(
  url: string,
  channel: string,
  onSignal: () => void,
  onError: (error: unknown) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let delayMs = 250;
  const connect = async (): Promise<void> => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: url });
    // A connection that breaks during LISTEN both emits the error and fails the query with it: one report.
    let heard: unknown = null;
    next.on('notification', () => onSignal());
    next.on('error', (error) => {
      heard = error;
      onError(error);
      scheduleReconnect();
    });
    next.on('end', () => scheduleReconnect());
    try {
      await next.connect();
      await next.query(listenText(channel));
      client = next;
      delayMs = 250;
      onSignal();
    } catch (error) {
      if (error !== heard) onError(error);
      // The failure is reported above; closing the half-open connection can only fail the same way.
      await next.end().catch(() => {});
      scheduleReconnect();
    }
  };
  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    client = null;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delayMs);
    delayMs = Math.min(delayMs * 2, 10_000);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retryTimer) clearTimeout(retryTimer);
    // Stopping: a connection that fails to close cleanly is gone either way, and nothing listens any more.
    await client?.end().catch(() => {});
  };
}
