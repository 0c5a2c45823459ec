import type { PrismaClient } from '../../db/open-database.ts';

/** Counting stops here: a backlog this large says enough, and the count stays cheap. */
const unsequencedCap = 100_000;

export interface AuditLogLag {
  /** Events not yet sequenced into the log (at most 100 000 counted). */
  unsequenced: number;
  /** Age of the newest signed checkpoint in seconds; null: none yet. */
  checkpointAgeSeconds: number | null;
}

/** How far the Merkle log trails the events, for monitoring. */
export async function readAuditLogLag(prisma: PrismaClient): Promise<AuditLogLag> {
  const [row] = await prisma.$queryRaw<{ unsequenced: number; age: number | null }[]>`
    SELECT
      (SELECT count(*)::int FROM (SELECT 1 FROM "AuditEvent" WHERE "logIndex" IS NULL LIMIT ${unsequencedCap}) AS waiting) AS "unsequenced",
      (SELECT extract(epoch FROM now() - "signedAt")::float8 FROM "AuditCheckpoint" ORDER BY "size" DESC LIMIT 1) AS "age"`;
  return { unsequenced: row?.unsequenced ?? 0, checkpointAgeSeconds: row?.age ?? null };
}
