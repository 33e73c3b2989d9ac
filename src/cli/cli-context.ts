// What CLI commands share: the service's shared context (src/open-shared-context.ts), opened once per command.
import pino from 'pino';
import { loadSettings } from '../config/settings.js';
import type { SharedContext } from '../context.js';
import { createLogger } from '../logger.js';
import { openSharedContext } from '../open-shared-context.js';
import { printCliError } from './print-cli-error.js';

/** A command's context: the service's shared parts, without its worker, HTTP server or console. */
export type CliContext = SharedContext;

/**
 * Runs a command with the shared context, logging on stderr (stdout is the command's output: an export,
 * a report), printing a failure plainly and setting the exit code.
 */
export async function withCliContext(work: (context: CliContext) => Promise<void>): Promise<void> {
  let close: (() => Promise<void>) | null = null;
  try {
    const settings = loadSettings();
    const opened = await openSharedContext({ settings, logger: createLogger(settings, pino.destination(2)) });
    close = opened.close;
    await work(opened.context);
  } catch (error) {
    printCliError(error);
    process.exitCode = 1;
  } finally {
    await close?.();
  }
}
