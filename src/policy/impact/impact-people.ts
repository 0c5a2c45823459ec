import type { PrismaClient } from '../../db/open-database.ts';
import { humanIdentityInclude, humanIdentityOf } from '../../identity/humans/human-identity.ts';
import type { HumanIdentity } from '../../identity/viewer.ts';

/** Every active person, as policies see them, for measuring a policy change. */
export async function impactPeople(prisma: PrismaClient): Promise<HumanIdentity[]> {
  const people = await prisma.person.findMany({
    where: { active: true },
    include: humanIdentityInclude,
    orderBy: { email: 'asc' },
  });
  return people.map(humanIdentityOf);
}
