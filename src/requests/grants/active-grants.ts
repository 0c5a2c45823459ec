import type { GrantScope, Tier } from '../../../generated/prisma/enums.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
import { InvalidatedCache } from '../../db/invalidated-cache.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { AccessGrant } from '../../policy/access-context.ts';
import type { GrantedDelegation, GrantSource } from '../../policy/slice/grant-source.ts';

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
 * The active grants of each delegation, loaded on first use and kept until a grant changes on any
 * replica (then every delegation loads its own again: one indexed query, not all grants).
 * Expiry needs no notification: a grant past its end is ignored from that instant on.
 */
export class ActiveGrants implements GrantSource {
  private readonly cache: InvalidatedCache<Map<string, Promise<ActiveGrant[]>>>;

  constructor(
    private readonly prisma: PrismaClient,
    changes: ChangeFeed,
  ) {
    this.cache = new InvalidatedCache(changes, ['grants'], async () => new Map());
  }

  async for(delegation: GrantedDelegation, now: Date): Promise<AccessGrant[]> {
    const byKey = await this.cache.get();
    const key = grantKey(delegation.humanId, delegation.chain, delegation.intent);
    let loading = byKey.get(key);
    if (!loading) {
      loading = this.load(delegation);
      byKey.set(key, loading);
      loading.catch(() => byKey.delete(key));
    }
    return (await loading)
      .filter(
        (grant) =>
          grant.expiresAt > now &&
          (grant.scope === 'TIME' || (grant.taskId !== null && grant.taskId === delegation.taskId)),
      )
      .map((grant) => ({ id: grant.id, paths: grant.paths, tier: grant.tier }));
  }

  private load(delegation: {
    humanId: string;
    chain: readonly string[];
    intent: string;
  }): Promise<ActiveGrant[]> {
    return this.prisma.grant.findMany({
      where: {
        humanId: delegation.humanId,
        intent: delegation.intent,
        chain: { equals: [...delegation.chain] },
        status: 'ACTIVE',
        expiresAt: { gt: new Date() },
      },
      select: { id: true, paths: true, tier: true, scope: true, taskId: true, expiresAt: true },
    });
  }

  invalidate(): void {
    this.cache.invalidate();
  }

  close(): void {
    this.cache.close();
  }
}
