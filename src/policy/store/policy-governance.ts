import type { PrismaClient } from '../../db/open-database.ts';
import { requireGovernance } from '../../identity/governance.ts';
import { type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import {
  type ApplyResult,
  applyPolicySet,
  currentPolicySet,
  type PolicySet,
  type PolicySetInput,
  parsePolicySet,
} from './policy-store.ts';

/** Reading and replacing the policy set over the API: governance only. */
export class PolicyGovernance {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly governanceGroup: string,
  ) {}

  read(viewer: Viewer): Promise<PolicySet> {
    requireGovernance(viewer, this.governanceGroup);
    return currentPolicySet(this.prisma);
  }

  apply(viewer: Viewer, input: PolicySetInput, dryRun: boolean): Promise<ApplyResult> {
    return this.applyJson(viewer, input, dryRun);
  }

  /** For a door that receives the set as untyped JSON (GraphQL's JSON scalar); validated all the same. */
  applyJson(viewer: Viewer, json: unknown, dryRun: boolean): Promise<ApplyResult> {
    const actor = requireGovernance(viewer, this.governanceGroup);
    const policies = parsePolicySet(json, 'policies');
    return applyPolicySet(this.prisma, policies, {
      actor: viewerAuditActor(actor),
      dryRun,
      source: 'graphql',
    });
  }
}
