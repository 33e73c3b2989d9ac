// LEADBRIDGE_HEAP_GROWTH_PERCENT is read by bin/leadbridge.js before anything else runs: a bad value stops
// every command with a message, a good one is taken.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';

function leadbridgeHelp(value: string) {
  return spawnSync(process.execPath, ['bin/leadbridge.js', '--help'], {
    env: { ...process.env, LEADBRIDGE_HEAP_GROWTH_PERCENT: value },
    encoding: 'utf8',
  });
}

it('refuses a value that is not a whole number of percent', () => {
  for (const value of ['abc', '-5', '1.5', '1000']) {
    const run = leadbridgeHelp(value);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'LEADBRIDGE_HEAP_GROWTH_PERCENT must be a whole number from 0 (V8 decides) to 999',
    );
  }
});

it('takes 0 (V8 decides) and a percent', () => {
  for (const value of ['0', '50']) {
    const run = leadbridgeHelp(value);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: leadbridge');
  }
});
