import type { AccessRequest, Grant, Prisma } from '../../generated/prisma/client.ts';
import { isGovernance } from '../identity/governance.ts';
import type { Viewer } from '../identity/viewer.ts';

/**
 * Who may see a request: the agent chain that made it (for its human, under its intent), the human it was made
 * for, its eligible approvers, and governance. Anyone else is told it does not exist.
 */
export function maySeeRequest(viewer: Viewer, request: AccessRequest, governanceGroup: string): boolean {
  if (viewer.kind === 'anonymous') return false;
  if (viewer.kind === 'agent') {
    return (
      request.humanId === viewer.human.id &&
      request.intent === viewer.intent &&
      request.chain.join('>') === viewer.chain.map((agent) => agent.id).join('>')
    );
  }
  return (
    request.humanId === viewer.human.id ||
    request.eligibleApproverIds.includes(viewer.human.id) ||
    isGovernance(viewer, governanceGroup)
  );
}

/**
 * Who may see a grant: whoever may see the request it came from, and the human it is for (who
 * lists it among their grants, whichever chain holds it).
 */
export function maySeeGrant(
  viewer: Viewer,
  grant: Pick<Grant, 'humanId'>,
  request: AccessRequest,
  governanceGroup: string,
): boolean {
  if (viewer.kind === 'human' && grant.humanId === viewer.human.id) return true;
  return maySeeRequest(viewer, request, governanceGroup);
}

/** The requests a viewer lists as its own: an agent chain's, or a human's (made for them or awaiting them). */
export function ownRequestsFilter(viewer: Viewer): Prisma.AccessRequestWhereInput {
  if (viewer.kind === 'anonymous') return { id: { in: [] } };
  if (viewer.kind === 'agent') {
    return {
      humanId: viewer.human.id,
      intent: viewer.intent,
      chain: { equals: viewer.chain.map((agent) => agent.id) },
    };
  }
  return { OR: [{ humanId: viewer.human.id }, { eligibleApproverIds: { has: viewer.human.id } }] };
}

/** The grants a viewer lists: an agent chain's for its intent, or all of a human's. */
export function ownGrantsFilter(viewer: Viewer): Prisma.GrantWhereInput {
  if (viewer.kind === 'anonymous') return { id: { in: [] } };
  if (viewer.kind === 'agent') {
    return {
      humanId: viewer.human.id,
      chain: { equals: viewer.chain.map((agent) => agent.id) },
      intent: viewer.intent,
    };
  }
  return { humanId: viewer.human.id };
}
