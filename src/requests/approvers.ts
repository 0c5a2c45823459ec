import type { Prisma } from '../../generated/prisma/client.ts';
import type { RequestSnapshot } from './request-snapshot.ts';
import type { ApproverGroup } from './rules/rule-schema.ts';

/**
 * The people who may approve: the owners or stewards of the requested objects, the human's
 * manager, or members of a named group; always active, never the requesting human.
 */
export async function resolveApprovers(
  tx: Prisma.TransactionClient,
  groups: readonly ApproverGroup[],
  snapshot: RequestSnapshot,
): Promise<string[]> {
  const emails = new Set<string>();
  const groupNames = new Set<string>();
  for (const group of groups) {
    if (group.kind === 'owners')
      for (const resource of snapshot.resources) if (resource.ownerEmail) emails.add(resource.ownerEmail);
    if (group.kind === 'stewards')
      for (const resource of snapshot.resources)
        for (const email of resource.stewardEmails) emails.add(email);
    if (group.kind === 'manager' && snapshot.human.manager) emails.add(snapshot.human.manager);
    if (group.kind === 'group') groupNames.add(group.group);
  }
  if (emails.size === 0 && groupNames.size === 0) return [];
  const people = await tx.person.findMany({
    where: {
      active: true,
      id: { not: snapshot.human.id },
      OR: [
        { email: { in: [...emails].map((email) => email.toLowerCase()) } },
        { groups: { hasSome: [...groupNames] } },
      ],
    },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return people.map((person) => person.id);
}
