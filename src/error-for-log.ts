// What the process log says of an unexpected error: its kind, first code, innermost message and stack
// frames. Not the error itself: drizzle's wrapper quotes a failed statement's parameters (a lead's phone,
// name, address) in its message and so in its stack's first lines, and logs outlive the lead's record.
import { describeCause } from './background-errors.js';

export interface LoggedError {
  type: string;
  message: string;
  code?: string;
  /** The frames only (`at …` lines), without the message the stack begins with. */
  stack?: string;
}

export function errorForLog(error: unknown): LoggedError {
  const type = error instanceof Error ? error.name : typeof error;
  const described = describeCause(error);
  const frames =
    error instanceof Error && error.stack
      ? error.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .join('\n')
      : '';
  return frames ? { type, ...described, stack: frames } : { type, ...described };
}
