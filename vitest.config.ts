import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**'],
    globalSetup: ['test/support/suite-database-server.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // export-large.test.ts measures the memory an export holds after a full collection.
    execArgv: ['--expose-gc'],
    maxWorkers: 2,
  },
});
