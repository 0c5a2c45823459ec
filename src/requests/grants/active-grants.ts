import type { GrantScope, Tier } from '../../../generated/prisma/enums.ts';
import type { ChangeFeed } from '../../db/change-feed.ts';
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
export function grantKey(delegation: { humanId: string; chain: readonly string[]; intent: string }): string {
  return `${delegation.humanId}|${delegation.chain.join('>')}|${delegation.intent}`;
}

/**
 * The active grants of each delegation, loaded on first use and kept until a grant of that
 * delegation changes on any replica (a `grants` notification naming its key), or any grant changes
 * (one naming none: revocations, expiries, rechecks). One indexed query per delegation, not all
 * grants. While the change feed is down every read loads afresh. Expiry needs no notification: a
 * grant past its end is ignored from that instant on.
 */
export class ActiveGrants implements GrantSource {
  private byKey = new Map<string, Promise<ActiveGrant[]>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly changes: ChangeFeed,
  ) {
    this.unsubscribe = changes.subscribe((topic, detail) => {
      if (topic === undefined || (topic === 'grants' && detail === undefined)) this.invalidate();
      else if (topic === 'grants' && detail !== undefined) this.invalidate(detail);
    });
  }

  async for(delegation: GrantedDelegation, now: Date): Promise<AccessGrant[]> {
    const key = grantKey(delegation);
    let loading = this.changes.reliable ? this.byKey.get(key) : undefined;
    if (!loading) {
      loading = this.load(delegation);
      if (this.changes.reliable) {
        const entry = loading;
        this.byKey.set(key, entry);
        entry.catch(() => {
          if (this.byKey.get(key) === entry) this.byKey.delete(key);
        });
      }
    }
    return (await loading)
      .filter(
        (grant) =>
          grant.expiresAt > now &&
          (grant.scope === 'TIME' || (grant.taskId !== null && grant.taskId === delegation.taskId)),
      )
      .map((grant) => ({ id: grant.id, paths: grant.paths, tier: grant.tier, expiresAt: grant.expiresAt }));
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

  /** Forgets the grants of one delegation (by its grantKey), or of all. */
  invalidate(key?: string): void {
    if (key === undefined) this.byKey = new Map();
    else this.byKey.delete(key);
  }

  close(): void {
    this.unsubscribe();
  }
}
