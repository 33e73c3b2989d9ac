// Opens what every entry point stands on, in the one order that works: the database (opened, migrated),
// the secret key and the token cipher (the tokens a migration moved are settled with it), then the audit
// writer and the company schemas. src/service.ts and the CLI (src/cli/cli-context.ts) both start here.
import type { Logger } from 'pino';
import { createAuditWriter } from './audit/audit-writer.js';
import { createBackgroundErrorReport } from './background-errors.js';
import { CompanySchemas } from './campaigns/company-schemas.js';
import { createTokenCipher } from './campaigns/token-cipher.js';
import { type Clock, systemClock } from './clock.js';
import { resolveSecretKey } from './config/secret-key.js';
import type { Settings } from './config/settings.js';
import { settleMigratedTokens } from './connections/settle-migrated-tokens.js';
import type { SharedContext } from './context.js';
import { type Database, openDatabase } from './db/connection.js';
import { describeDatabaseError } from './db/database-availability.js';
import { prepareDatabase } from './db/prepare-database.js';
import { type IdSource, randomIds } from './ids.js';
import { databaseUp } from './metrics.js';

export interface SharedContextOptions {
  settings: Settings;
  logger: Logger;
  /** An already open database (tests): migrated here, but left open by `close`. */
  database?: Database;
  /** Default the system clock. */
  clock?: Clock;
  /** Default random ids. */
  ids?: IdSource;
  /** Default Math.random. */
  random?: () => number;
}

export interface OpenedSharedContext {
  context: SharedContext;
  /** The migrations this opening applied (the service logs them; a CLI command's output stays its own). */
  applied: string[];
  /** Closes the database if it was opened here (the embedded server is stopped, DATA_DIR released). */
  close(): Promise<void>;
}

/** The database the settings name: the server at DATABASE_URL, else the embedded one on DATA_DIR. */
export function openDatabaseFromSettings(settings: Settings, logger?: Logger): Promise<Database> {
  return openDatabase({
    url: settings.DATABASE_URL,
    dataDir: settings.DATA_DIR,
    preparedStatements: settings.DATABASE_PREPARED_STATEMENTS,
    unavailableWaitMs: settings.DATABASE_UNAVAILABLE_WAIT_MS,
    ...(logger ? { log: logger } : {}),
  });
}

/**
 * Opens the database (unless given one), reports its availability and its background errors on
 * `logger`, migrates it, and wires the parts every entry point shares. A failure on the way closes
 * what was opened here.
 */
export async function openSharedContext(options: SharedContextOptions): Promise<OpenedSharedContext> {
  const { settings, logger } = options;
  const clock = options.clock ?? systemClock;
  const database = options.database ?? (await openDatabaseFromSettings(settings, logger));
  const close = async () => {
    if (!options.database) await database.close();
  };
  database.availability.onChange(function reportDatabaseAvailability(state, error) {
    databaseUp.set(state === 'down' ? 0 : 1);
    const cause = describeDatabaseError(error);
    if (state === 'down') {
      logger.error({ cause }, 'the database cannot be reached: answering 503 until it is back');
    } else if (state === 'up') logger.info('the database is reachable again');
    else logger.warn({ cause }, 'a database connection failed: checking the database');
  });
  const reportBackgroundError = createBackgroundErrorReport({ logger, now: () => clock.now().getTime() });
  database.onBackgroundError(reportBackgroundError);
  try {
    const applied = await prepareDatabase(database, {
      dataDir: settings.DATA_DIR,
      log: logger,
      now: () => clock.now(),
    });
    const key = await resolveSecretKey({
      configured: settings.LEADBRIDGE_SECRET_KEY,
      dataDir: settings.DATA_DIR,
      embedded: database.kind === 'embedded',
    });
    const cipher = createTokenCipher(key);
    await settleMigratedTokens(database, cipher, logger);
    const audit = createAuditWriter(clock);
    const context: SharedContext = {
      settings,
      database,
      clock,
      ids: options.ids ?? randomIds,
      random: options.random ?? Math.random,
      logger,
      cipher,
      audit,
      schemas: new CompanySchemas({
        db: database.orm,
        clock,
        audit,
        reportBackgroundError,
        timeoutMs: settings.SALESRENDER_TIMEOUT_MS,
      }),
      reportBackgroundError,
    };
    return { context, applied, close };
  } catch (error) {
    await close();
    throw error;
  }
}
