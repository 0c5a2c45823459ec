import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): several replicas of the real server on a PostgreSQL
 * cluster of the suite's own, broken while they work. One file at a time: each runs three server
 * processes and a database server, which is what a 2-core machine can carry.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
    sequence: { hooks: 'list' },
  },
});
