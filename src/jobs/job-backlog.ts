import type { PrismaClient } from '../db/open-database.ts';

export interface JobBacklog {
  /** Due jobs not done nor given up, per kind. */
  due: { kind: string; count: number }[];
  /** How long the oldest of them has waited past its time, in seconds (0: none). */
  oldestDueSeconds: number;
  /** Jobs that gave up (kept with their last error). */
  failed: number;
}

/** The queue's backlog for monitoring, read by the database's clock (the one claims use). */
export async function readJobBacklog(prisma: PrismaClient): Promise<JobBacklog> {
  const rows = await prisma.$queryRaw<{ kind: string; due: number; failed: number; oldest: number | null }[]>`
    SELECT "kind",
      count(*) FILTER (WHERE "failedAt" IS NULL AND "runAt" <= now())::int AS "due",
      count(*) FILTER (WHERE "failedAt" IS NOT NULL)::int AS "failed",
      extract(epoch FROM now() - min("runAt") FILTER (WHERE "failedAt" IS NULL AND "runAt" <= now()))::float8 AS "oldest"
    FROM "Job" WHERE "runAt" <= now() OR "failedAt" IS NOT NULL
    GROUP BY "kind"`;
  return {
    due: rows.filter((row) => row.due > 0).map((row) => ({ kind: row.kind, count: row.due })),
    oldestDueSeconds: Math.max(0, ...rows.map((row) => row.oldest ?? 0)),
    failed: rows.reduce((sum, row) => sum + row.failed, 0),
  };
}
