import type { GrantScope, Tier } from '../../../generated/prisma/enums.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
import { InvalidatedCache } from '../../db/invalidated-cache.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { AccessGrant } from '../../policy/access-context.ts';

interface ActiveGrant {
  id: string;
  paths: string[];
  tier: Tier;
  scope: GrantScope;
  taskId: string | null;
  expiresAt: Date;
}

/** Grants are for one human, one exact agent chain and one intent. */
function grantKey(humanId: string, chain: readonly string[], intent: string): string {
  return `${humanId}|${chain.join('>')}|${intent}`;
}

/**
 * The active grants of every delegation, kept in memory until a grant changes on any replica.
 * Expiry needs no notification: a grant past its end is ignored from that instant on.
 */
export class ActiveGrants {
  private readonly cache: InvalidatedCache<Map<string, ActiveGrant[]>>;

  constructor(prisma: PrismaClient, changes: ChangeFeed) {
    this.cache = new InvalidatedCache(changes, ['grants'], async () => {
      const rows = await prisma.grant.findMany({
        where: { status: 'ACTIVE', expiresAt: { gt: new Date() } },
        select: {
          id: true,
          humanId: true,
          chain: true,
          intent: true,
          paths: true,
          tier: true,
          scope: true,
          taskId: true,
          expiresAt: true,
        },
      });
      const byKey = new Map<string, ActiveGrant[]>();
      for (const { humanId, chain, intent, ...grant } of rows) {
        const key = grantKey(humanId, chain, intent);
        byKey.set(key, [...(byKey.get(key) ?? []), grant]);
      }
      return byKey;
    });
  }

  /** The grants in force now for this delegation; task-scoped ones only within their task. */
  async for(
    delegation: { humanId: string; chain: readonly string[]; intent: string; taskId: string | null },
    now: Date,
  ): Promise<AccessGrant[]> {
    const grants = (await this.cache.get()).get(
      grantKey(delegation.humanId, delegation.chain, delegation.intent),
    );
    if (!grants) return [];
    return grants
      .filter(
        (grant) =>
          grant.expiresAt > now &&
          (grant.scope === 'TIME' || (grant.taskId !== null && grant.taskId === delegation.taskId)),
      )
      .map((grant) => ({ id: grant.id, paths: grant.paths, tier: grant.tier }));
  }

  invalidate(): void {
    this.cache.invalidate();
  }

  close(): void {
    this.cache.close();
  }
}
