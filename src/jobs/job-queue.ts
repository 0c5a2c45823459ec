import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client.ts';
import { notifyChange } from '../db/change-feed.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { JsonObject } from '../shared/json.ts';

/** A job to schedule: `kind` selects the handler, `key` makes it unique while it exists. */
export interface JobToSchedule {
  kind: string;
  payload: JsonObject;
  runAt: Date;
  key?: string;
  maxAttempts?: number;
}

/**
 * Schedules jobs inside the caller's transaction, so a timer exists exactly when the change that
 * needs it commits. A job with a key already scheduled is left as it is.
 */
export async function scheduleJobs(
  tx: Prisma.TransactionClient | PrismaClient,
  jobs: readonly JobToSchedule[],
): Promise<void> {
  if (jobs.length === 0) return;
  await tx.job.createMany({
    data: jobs.map((job) => ({
      id: randomUUID(),
      kind: job.kind,
      key: job.key ?? null,
      payload: job.payload as Prisma.InputJsonValue,
      runAt: job.runAt,
      maxAttempts: job.maxAttempts ?? 10,
    })),
    skipDuplicates: true,
  });
  // Wake the workers of every replica when something is due now, rather than at their next poll.
  if (jobs.some((job) => job.runAt.getTime() <= Date.now())) await notifyChange(tx, 'jobs');
}

/** When the oldest job of a kind that is neither done nor given up was created (null: none). */
export async function oldestPendingJobAt(prisma: PrismaClient, kind: string): Promise<Date | null> {
  const oldest = await prisma.job.findFirst({
    where: { kind, failedAt: null },
    orderBy: { createdAt: 'asc' },
    select: { createdAt: true },
  });
  return oldest?.createdAt ?? null;
}
