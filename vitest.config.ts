import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file creates its own PostgreSQL database; files run in parallel workers.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    sequence: { hooks: 'list' },
  },
});
