import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB and better-sqlite3 are native addons: forks isolate them more predictably than threads.
    pool: 'forks',
  },
});
