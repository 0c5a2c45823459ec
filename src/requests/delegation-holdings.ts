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

/**
 * For each delegation, the requests filed through it or a token derived from it: the newest 20.
 * The ids are read per delegation and stop at the 20th (its person's requests newest first, down
 * the humanId-createdAt index; ordered by time alone so the scan stops there), so a busy
 * delegation's older requests are never read.
 */
export async function requestsOfDelegations(
  prisma: PrismaClient,
  delegations: readonly PersonDelegation[],
): Promise<AccessRequest[][]> {
  if (delegations.length === 0) return [];
  const pairs = delegations.flatMap((delegation) =>
    delegation.tokenIds.map((token) => ({ token, root: delegation.tokenId, human: delegation.humanId })),
  );
  const filed = await prisma.$queryRaw<{ id: string; root: string }[]>`
    WITH roots AS (
      SELECT root, human, array_agg(token) AS tokens
      FROM unnest(${pairs.map((pair) => pair.token)}::text[], ${pairs.map((pair) => pair.root)}::text[],
                  ${pairs.map((pair) => pair.human)}::uuid[]) AS pair(token, root, human)
      GROUP BY root, human
    )
    SELECT newest.id::text AS id, roots.root
    FROM roots CROSS JOIN LATERAL (
      SELECT r.id, r."createdAt" FROM "AccessRequest" r
      WHERE r."humanId" = roots.human AND r."tokenId" = ANY(roots.tokens)
      ORDER BY r."createdAt" DESC
      LIMIT ${requestsPerDelegation}
    ) newest
    ORDER BY roots.root, newest."createdAt" DESC, newest.id DESC`;
  const newest = new Map<string, string[]>();
  for (const request of filed) newest.set(request.root, [...(newest.get(request.root) ?? []), request.id]);
  const rows = await prisma.accessRequest.findMany({
    where: { id: { in: filed.map((request) => request.id) } },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return delegations.map((delegation) =>
    (newest.get(delegation.tokenId) ?? []).flatMap((id) => byId.get(id) ?? []),
  );
}
