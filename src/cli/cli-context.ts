// What CLI commands share: settings, the migrated database and the token cipher, opened once per command.
import pino from 'pino';
import { CompanySchemas } from '../campaigns/company-schemas.js';
import { createTokenCipher, type TokenCipher } from '../campaigns/token-cipher.js';
import { type Clock, systemClock } from '../clock.js';
import { resolveSecretKey } from '../config/secret-key.js';
import { loadSettings, type Settings } from '../config/settings.js';
import { settleMigratedTokens } from '../connections/settle-migrated-tokens.js';
import { type Database, openDatabase } from '../db/connection.js';
import { prepareDatabase } from '../db/prepare-database.js';
import { type IdSource, randomIds } from '../ids.js';

export interface CliContext {
  settings: Settings;
  database: Database;
  cipher: TokenCipher;
  clock: Clock;
  ids: IdSource;
  /** Each SalesRender company's live schema (read and stored as the service does). */
  schemas: CompanySchemas;
  close(): Promise<void>;
}

export async function openCliContext(): Promise<CliContext> {
  const settings = loadSettings();
  const database = await openDatabase({
    url: settings.DATABASE_URL,
    dataDir: settings.DATA_DIR,
    preparedStatements: settings.DATABASE_PREPARED_STATEMENTS,
  });
  await prepareDatabase(database, {
    dataDir: settings.DATA_DIR,
    // Logged on stderr: stdout may be the command's output (an export).
    log: pino(pino.destination(2)),
    now: () => systemClock.now(),
  });
  const key = await resolveSecretKey({
    configured: settings.LEADBRIDGE_SECRET_KEY,
    dataDir: settings.DATA_DIR,
    embedded: database.kind === 'embedded',
  });
  const cipher = createTokenCipher(key);
  await settleMigratedTokens(database, cipher, pino(pino.destination(2)));
  const schemas = new CompanySchemas({
    db: database.orm,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    timeoutMs: settings.SALESRENDER_TIMEOUT_MS,
  });
  return {
    settings,
    database,
    cipher,
    clock: systemClock,
    ids: randomIds,
    schemas,
    close: () => database.close(),
  };
}

/** Runs a command with a context, printing typed errors plainly and setting the exit code. */
export async function withCliContext(work: (context: CliContext) => Promise<void>): Promise<void> {
  let context: CliContext | null = null;
  try {
    context = await openCliContext();
    await work(context);
  } catch (error) {
    const typed = error as { code?: string; message?: string; extra?: { fields?: Record<string, string> } };
    console.error(`error${typed.code ? ` ${typed.code}` : ''}: ${typed.message ?? String(error)}`);
    for (const [field, reason] of Object.entries(typed.extra?.fields ?? {}))
      console.error(`  ${field}: ${reason}`);
    process.exitCode = 1;
  } finally {
    await context?.close();
  }
}
