#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the service needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
try {
  await runCli(process.argv);
} catch (error) {
  // Configuration and start-up errors are for a person to read: the message, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
