import { afterAll, beforeAll, expect, it } from 'vitest';
import { scheduleJobs } from '../../src/jobs/job-queue.ts';
import { JobWorker } from '../../src/jobs/job-worker.ts';
import { quietChangeFeed } from '../support/quiet-change-feed.ts';
import { createTestDatabase, silentLogger, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 60_000);
afterAll(() => db?.dispose());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('a job running longer than its lease keeps it: a second replica never runs it at the same time', async () => {
  let runs = 0;
  const slow = async () => {
    runs += 1;
    await sleep(1_500);
  };
  const options = { pollMs: 50, leaseMs: 300, batchSize: 5 };
  const first = new JobWorker(db.prisma, new Map([['slow', slow]]), silentLogger, quietChangeFeed, options);
  const second = new JobWorker(db.prisma, new Map([['slow', slow]]), silentLogger, quietChangeFeed, options);
  await scheduleJobs(db.prisma, [{ kind: 'slow', payload: {}, runAt: new Date() }]);
  const running = first.runDue();
  await sleep(100);
  // Polled well past the lease's first end while the first replica still runs the job.
  for (let poll = 0; poll < 12; poll += 1) {
    expect(await second.runDue()).toBe(0);
    await sleep(100);
  }
  expect(await running).toBe(1);
  expect(runs).toBe(1);
  expect(await db.prisma.job.count({ where: { kind: 'slow' } })).toBe(0);
  await Promise.all([first.stop(), second.stop()]);
});

it("a dead replica's job is taken over once its lease runs out", async () => {
  await scheduleJobs(db.prisma, [{ kind: 'orphan', payload: {}, runAt: new Date() }]);
  // A claim whose worker died at once: its lease ends 300 ms later and is never renewed.
  await db.prisma.$executeRaw`
    UPDATE "Job" SET "lockedUntil" = now() + interval '300 milliseconds', "attempts" = 1 WHERE "kind" = 'orphan'`;
  let ran = 0;
  const survivor = new JobWorker(
    db.prisma,
    new Map([
      [
        'orphan',
        async () => {
          ran += 1;
        },
      ],
    ]),
    silentLogger,
    quietChangeFeed,
    { pollMs: 50, leaseMs: 300, batchSize: 5 },
  );
  expect(await survivor.runDue()).toBe(0);
  await sleep(400);
  expect(await survivor.runDue()).toBe(1);
  expect(ran).toBe(1);
  await survivor.stop();
});
