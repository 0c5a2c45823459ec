import type { PrismaClient } from '../db/open-database.ts';

/** Earlier human decisions on requests for any of the same objects at the same tier. */
export interface SimilarDecisions {
  approved: number;
  denied: number;
}

/**
 * How people decided requests like each of these (sharing an object and the tier; rules' decisions
 * do not count), in one query for all of them: what a Slack prompt and the console's inbox show.
 */
export async function similarDecisions(
  prisma: PrismaClient,
  requestIds: readonly string[],
): Promise<SimilarDecisions[]> {
  if (requestIds.length === 0) return [];
  const rows = await prisma.$queryRaw<{ id: string; approved: number; denied: number }[]>`
    SELECT r.id::text AS id,
           count(*) FILTER (WHERE o.status = 'APPROVED')::int AS approved,
           count(*) FILTER (WHERE o.status = 'DENIED')::int AS denied
    FROM "AccessRequest" r
    JOIN "AccessRequest" o
      ON o.id <> r.id AND o.tier = r.tier AND o.paths && r.paths
     AND o.status IN ('APPROVED', 'DENIED') AND o."decidedBy" LIKE 'person:%'
    WHERE r.id = ANY(${[...requestIds]}::uuid[])
    GROUP BY r.id`;
  const byId = new Map(rows.map((row) => [row.id, { approved: row.approved, denied: row.denied }]));
  return requestIds.map((id) => byId.get(id) ?? { approved: 0, denied: 0 });
}
