import type { PrismaClient } from '../../db/open-database.ts';
import type { HumanIdentity } from '../../identity/viewer.ts';
import { isJsonObject } from '../../shared/json.ts';

/** Every active person, as policies see them, for measuring a policy change. */
export async function impactPeople(prisma: PrismaClient): Promise<HumanIdentity[]> {
  const people = await prisma.person.findMany({
    where: { active: true },
    include: { manager: { select: { email: true } } },
    orderBy: { email: 'asc' },
  });
  return people.map((person) => ({
    id: person.id,
    email: person.email,
    name: person.name,
    title: person.title,
    department: person.department,
    region: person.region,
    groups: person.groups,
    managerEmail: person.manager?.email ?? null,
    attributes: isJsonObject(person.attributes) ? person.attributes : {},
  }));
}
