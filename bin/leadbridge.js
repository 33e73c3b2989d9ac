#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the service needs no build step.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// How far the old generation may grow past what the last full collection kept before the next one: V8
// lets a busy process grow it up to fourfold, mostly with the garbage of requests long answered, and that
// growth was most of the service's memory peak (bench/README.md). Set before anything is allocated.
const heapGrowthPercent = process.env.LEADBRIDGE_HEAP_GROWTH_PERCENT ?? '100';
if (!/^\d{1,3}$/.test(heapGrowthPercent)) {
  console.error('LEADBRIDGE_HEAP_GROWTH_PERCENT must be a whole number from 0 (V8 decides) to 999');
  process.exit(1);
}
if (heapGrowthPercent !== '0') setFlagsFromString(`--heap-growing-percent=${heapGrowthPercent}`);

register();
const { runCli } = await import('../src/cli/main.ts');
try {
  await runCli(process.argv);
} catch (error) {
  // Configuration and start-up errors are for a person to read: the message, not a stack trace.
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
