#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the service needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
