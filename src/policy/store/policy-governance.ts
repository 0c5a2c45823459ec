import type { PrismaClient } from '../../db/open-database.ts';
import { requireGovernance } from '../../identity/governance.ts';
import { type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import { compilePolicySet } from '../compile-policies.ts';
import { impactPeople } from '../impact/impact-people.ts';
import { type PolicyImpact, policyImpact } from '../impact/policy-impact.ts';
import type { Policy } from '../policy-schema.ts';
import type { CatalogIndex } from '../slice/catalog-index.ts';
import { policySetAt } from './policy-set-at.ts';
import {
  type ApplyResult,
  applyPolicySet,
  currentPolicySet,
  type PolicySet,
  type PolicySetInput,
  parsePolicySet,
} from './policy-store.ts';

/** Applying a policy set, and what it does (or would do) to people's access. */
export interface PolicyApplyResult extends ApplyResult {
  impact: PolicyImpact;
}

/** Reading and replacing the policy set over the API: governance only. */
export class PolicyGovernance {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly governanceGroup: string,
    /** The catalog decisions are made on (the access service's cached index). */
    private readonly catalog: () => Promise<CatalogIndex>,
  ) {}

  read(viewer: Viewer): Promise<PolicySet> {
    requireGovernance(viewer, this.governanceGroup);
    return currentPolicySet(this.prisma);
  }

  apply(viewer: Viewer, input: PolicySetInput, dryRun: boolean): Promise<PolicyApplyResult> {
    return this.applyJson(viewer, input, dryRun);
  }

  /** For a door that receives the set as untyped JSON (GraphQL's JSON scalar); validated all the same. */
  async applyJson(viewer: Viewer, json: unknown, dryRun: boolean): Promise<PolicyApplyResult> {
    const actor = requireGovernance(viewer, this.governanceGroup);
    const policies = parsePolicySet(json, 'policies');
    const current = await currentPolicySet(this.prisma);
    const result = await applyPolicySet(this.prisma, policies, {
      actor: viewerAuditActor(actor),
      dryRun,
      source: 'graphql',
    });
    // The set this one replaced (or would replace): another replica may have applied one meanwhile.
    const replacedVersion = result.applied ? result.version - 1 : result.version;
    const replaced =
      replacedVersion === current.version ? current : await policySetAt(this.prisma, replacedVersion);
    return { ...result, impact: await this.impact(replaced ?? current, policies) };
  }

  private async impact(before: PolicySet, after: Policy[]): Promise<PolicyImpact> {
    const [catalog, people] = await Promise.all([this.catalog(), impactPeople(this.prisma)]);
    return policyImpact({
      before: compilePolicySet(before.policies, before.version),
      after: compilePolicySet(after, before.version + 1),
      catalog,
      people,
      now: new Date(),
    });
  }
}
