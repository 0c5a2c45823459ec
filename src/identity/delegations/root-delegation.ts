import type { PrismaClient } from '../../db/open-database.ts';

/**
 * The delegation a token derives from: the token the person issued to their first agent (itself,
 * when it has no parent). Taking it back takes back every token derived from it.
 */
export async function rootDelegationOf(prisma: PrismaClient, jti: string): Promise<string> {
  const [root] = await prisma.$queryRaw<{ jti: string }[]>`
    WITH RECURSIVE up AS (
      SELECT jti, "parentJti", 0 AS depth FROM "DelegationToken" WHERE jti = ${jti}
      UNION ALL
      SELECT parent.jti, parent."parentJti", up.depth + 1
      FROM "DelegationToken" parent JOIN up ON parent.jti = up."parentJti"
      WHERE up.depth < 32
    )
    SELECT jti FROM up WHERE "parentJti" IS NULL LIMIT 1`;
  return root?.jti ?? jti;
}
