// The one place a CLI command's failure becomes output: `error CODE: message` on stderr, then each bad field.
import { AppError } from '../errors.js';

/**
 * The lines printed for a failed command. The code is the catalogue's for an AppError, else the error's
 * own when it has one (a SalesRender code, CONFIG_INVALID, a system error such as ENOENT); per-field
 * reasons follow, one a line.
 */
export function cliErrorLines(error: unknown): string[] {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const fields = error instanceof AppError ? (error.extra.fields ?? {}) : {};
  return [
    `error${code ? ` ${String(code)}` : ''}: ${message}`,
    ...Object.entries(fields).map(([field, reason]) => `  ${field}: ${reason}`),
  ];
}

/** Prints `cliErrorLines(error)` on stderr (stdout is the command's output). */
export function printCliError(error: unknown): void {
  for (const line of cliErrorLines(error)) console.error(line);
}
