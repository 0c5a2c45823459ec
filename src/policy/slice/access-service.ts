import type { ChangeFeed } from '../../db/change-feed.ts';
import { InvalidatedCache } from '../../db/invalidated-cache.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { IdentityState } from '../../identity/state/identity-state.ts';
import type { Viewer } from '../../identity/viewer.ts';
import type { AccessContext, PolicyObject } from '../access-context.ts';
import { type CompiledPolicySet, compilePolicySet } from '../compile-policies.ts';
import { currentPolicySet } from '../store/policy-store.ts';
import { type ObjectDecision, ViewerAccess } from '../viewer-access.ts';
import { type CatalogIndex, loadCatalogIndex } from './catalog-index.ts';

/** One viewer's view of the catalog for one request: decisions are made on demand and remembered. */
export interface ViewerSlice {
  policyVersion: number;
  catalog: CatalogIndex;
  decide(object: PolicyObject): ObjectDecision;
}

const nothing: ObjectDecision = {
  visibility: 'HIDDEN',
  mask: null,
  rowFilter: null,
  reasons: { allowedBy: [], deniedBy: [], cappedBy: [] },
};

/**
 * Decides per call what a viewer may see: the compiled policies of the current version and the
 * catalog index are cached until a change notification (from any replica) says otherwise; the
 * viewer's human, intent and chain ceilings come from the identity state of this call.
 */
export class AccessService {
  private readonly policies: InvalidatedCache<CompiledPolicySet>;
  private readonly catalog: InvalidatedCache<CatalogIndex>;

  constructor(
    prisma: PrismaClient,
    private readonly identity: IdentityState,
    changes: ChangeFeed,
  ) {
    this.policies = new InvalidatedCache(changes, ['policies'], async () => {
      const set = await currentPolicySet(prisma);
      return compilePolicySet(set.policies, set.version);
    });
    this.catalog = new InvalidatedCache(changes, ['catalog'], () => loadCatalogIndex(prisma));
  }

  /** Forget compiled policies and the catalog index (this replica changed them). */
  invalidate(): void {
    this.policies.invalidate();
    this.catalog.invalidate();
  }

  close(): void {
    this.policies.close();
    this.catalog.close();
  }

  async sliceFor(viewer: Viewer): Promise<ViewerSlice> {
    const [policies, catalog] = await Promise.all([this.policies.get(), this.catalog.get()]);
    const context = await this.contextFor(viewer);
    if (!context) return { policyVersion: policies.version, catalog, decide: () => nothing };
    const access = new ViewerAccess(policies, context);
    const lookup = (path: string) => catalog.byPath.get(path);
    return { policyVersion: policies.version, catalog, decide: (object) => access.decide(object, lookup) };
  }

  private async contextFor(viewer: Viewer): Promise<AccessContext | null> {
    if (viewer.kind === 'anonymous') return null;
    const { human } = viewer;
    const base: AccessContext = {
      human: {
        email: human.email,
        department: human.department,
        region: human.region,
        title: human.title,
        groups: human.groups,
        manager: human.managerEmail,
        attributes: human.attributes,
      },
      intent: null,
      ceilings: [],
      grants: [],
      now: new Date(),
    };
    if (viewer.kind === 'human') return base;
    const snapshot = await this.identity.snapshot();
    const intent = snapshot.intents.get(viewer.intent);
    const ceilings = viewer.chain.flatMap((agent) => snapshot.agentsById.get(agent.id)?.ceiling ?? []);
    // The authenticator checked the chain and the intent for this call; if they vanished since, nothing is visible.
    if (!intent || ceilings.length !== viewer.chain.length) return null;
    return {
      ...base,
      intent: { name: intent.name, allowedTiers: intent.allowedTiers, allowedTags: intent.allowedTags },
      ceilings,
    };
  }
}
