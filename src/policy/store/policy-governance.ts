import type { PrismaClient } from '../../db/open-database.ts';
import { requireGovernance } from '../../identity/governance.ts';
import { type Viewer, viewerAuditActor } from '../../identity/viewer.ts';
import {
  type ApplyResult,
  applyPolicySet,
  currentPolicySet,
  type PolicySet,
  validatePolicySet,
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

  apply(viewer: Viewer, input: unknown, dryRun: boolean): Promise<ApplyResult> {
    const actor = requireGovernance(viewer, this.governanceGroup);
    const policies = validatePolicySet(input, 'policies');
    return applyPolicySet(this.prisma, policies, {
      actor: viewerAuditActor(actor),
      dryRun,
      source: 'graphql',
    });
  }
}
