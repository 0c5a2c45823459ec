import { afterAll, beforeAll, expect, it } from 'vitest';
import { scheduleJobs } from '../../src/jobs/job-queue.ts';
import { JobWorker } from '../../src/jobs/job-worker.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { quietChangeFeed } from '../support/quiet-change-feed.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db?.dispose());

it('a job that fails for the last time is logged with its whole error, scrubbed of credentials', async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    { level: 'debug', format: 'json' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  // What an HTTP client's error looks like when it carries the request it sent.
  class UpstreamError extends Error {
    readonly code = 'upstream_unreachable';
    readonly config = { headers: { Authorization: 'Bearer xoxb-999-leaked-token' } };
  }
  const worker = new JobWorker(
    db.prisma,
    new Map([
      [
        'doomed',
        async () => {
          throw new UpstreamError('the upstream did not answer');
        },
      ],
    ]),
    logger,
    quietChangeFeed,
    { pollMs: 60_000, leaseMs: 30_000, batchSize: 5 },
  );
  await scheduleJobs(db.prisma, [{ kind: 'doomed', payload: {}, runAt: new Date(), maxAttempts: 1 }]);
  expect(await worker.runDue()).toBe(1);
  await worker.stop();

  const expectedError = expect.objectContaining({
    type: 'UpstreamError',
    message: 'the upstream did not answer',
    code: 'upstream_unreachable',
    stack: expect.stringContaining('the upstream did not answer'),
  });
  expect(lines.filter((line) => line.level === 40 || line.level === 50)).toEqual([
    expect.objectContaining({ msg: 'job failed', jobKind: 'doomed', err: expectedError }),
    expect.objectContaining({ msg: 'job gave up', jobKind: 'doomed', err: expectedError }),
  ]);
  expect(JSON.stringify(lines)).not.toMatch(/xoxb-|Bearer [^[]/);
  const [job] = await db.prisma.job.findMany({ where: { kind: 'doomed' } });
  expect(job?.failedAt).not.toBeNull();
  expect(job?.lastError).toBe('the upstream did not answer');
}, 60_000);
