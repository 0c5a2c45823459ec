import type { AccessRequest, Grant } from '../../generated/prisma/client.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { PersonDelegation } from '../identity/delegations/person-delegations.ts';

/** Requests shown per delegation: the newest ones. */
export const requestsPerDelegation = 20;

/**
 * The grants in force a delegation's tokens may use, for each delegation. A grant is for one human,
 * one exact agent chain and one intent (and a task, when task-bound): those of chains starting at
 * the delegation's agent, under its intent, are usable by it or by the sub-agents it delegates to,
 * time-bound ones always and task-bound ones within a task its live tokens act in. Newest first.
 */
export async function grantsOfDelegations(
  prisma: PrismaClient,
  delegations: readonly PersonDelegation[],
): Promise<Grant[][]> {
  if (delegations.length === 0) return [];
  const grants = await prisma.grant.findMany({
    where: {
      humanId: { in: [...new Set(delegations.map((delegation) => delegation.humanId))] },
      intent: { in: [...new Set(delegations.map((delegation) => delegation.intent))] },
      status: 'ACTIVE',
      expiresAt: { gt: new Date() },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  return delegations.map((delegation) =>
    grants.filter(
      (grant) =>
        grant.humanId === delegation.humanId &&
        grant.intent === delegation.intent &&
        grant.chain[0] === delegation.chain[0]?.id &&
        (grant.scope === 'TIME' ||
          (grant.taskId !== null &&
            (grant.taskId === delegation.taskId || delegation.liveTaskIds.includes(grant.taskId)))),
    ),
  );
}

/** For each delegation, the requests filed through it or a token derived from it: the newest 20. */
export async function requestsOfDelegations(
  prisma: PrismaClient,
  delegations: readonly PersonDelegation[],
): Promise<AccessRequest[][]> {
  if (delegations.length === 0) return [];
  const rootOf = new Map(
    delegations.flatMap((delegation) => delegation.tokenIds.map((id) => [id, delegation.tokenId] as const)),
  );
  // Which ones first (ids only), then those rows: a busy delegation's older requests are never read.
  const filed = await prisma.accessRequest.findMany({
    where: { tokenId: { in: [...rootOf.keys()] } },
    select: { id: true, tokenId: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
  const newest = new Map<string, string[]>();
  for (const request of filed) {
    const root = rootOf.get(request.tokenId)!;
    const ids = newest.get(root) ?? [];
    if (ids.length < requestsPerDelegation) newest.set(root, [...ids, request.id]);
  }
  const rows = await prisma.accessRequest.findMany({
    where: { id: { in: [...newest.values()].flat() } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return delegations.map((delegation) =>
    (newest.get(delegation.tokenId) ?? []).flatMap((id) => byId.get(id) ?? []),
  );
}
