import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite runs on its own (`npm run test:faults`, vitest.faults.config.ts).
    exclude: [...configDefaults.exclude, 'test/faults/**'],
    // The console's static files (dist/console) built from the current console/ sources.
    globalSetup: ['test/support/console-build.ts'],
    // Each test file creates its own PostgreSQL database; files run in parallel workers.
    pool: 'forks',
    // Most of a test's time is spent waiting on PostgreSQL, HTTP and child processes: two files
    // at a time keep both cores busy (the default on 2 cores is one).
    maxWorkers: 2,
    // A worker runs its files one after the other in one process, loading aperture's modules once
    // (each file still makes its own database, service and servers): importing them anew for
    // every file cost the suite five minutes of its ten. No test mocks modules or edits the
    // environment of its process.
    isolate: false,
    // Sized for a busy 2-core machine: tests that spawn the CLI or start PGlite in a child process
    // take 5-30 s there (the embedded start up to two minutes); a hang still ends the run.
    testTimeout: 150_000,
    hookTimeout: 180_000,
    sequence: { hooks: 'list' },
  },
});
