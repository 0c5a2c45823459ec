import type { Grant } from '../../generated/prisma/client.ts';
import type { ActionName, ResourceType } from './authzen-schemas.ts';
import type { AccessDecision } from './decide-access.ts';

/** What a re-evaluation carrying `context.approval` adds to the decision (access-request profile §9). */
export interface ApprovalReview {
  /** Members for the Decision Context. */
  context: Record<string, unknown>;
  /** Whether a fresh requestable denial should come with it (`next_action: request`). */
  requestAgain: boolean;
}

/**
 * Reviews the approval a PEP carries into a re-evaluation: aperture's approval is the grant the
 * request made, looked up among the subject's own grants (a grant of anyone else, or no grant,
 * is unverifiable). The decision itself always comes from the current slice, which holds the
 * grant while it is in force; the review only says why a denial stands and what to do next.
 */
export function reviewApproval(
  grant: Grant | null,
  resource: { type: ResourceType; path: string },
  action: ActionName,
  decided: AccessDecision,
  now = new Date(),
): ApprovalReview {
  if (!grant) return denialStands(decided, 'approval_unverifiable', 'none');
  const inForce = grant.status === 'ACTIVE' && grant.expiresAt > now;
  const approval = { id: grant.id, approved_until: grant.expiresAt.toISOString() };
  if (!inForce) return denialStands(decided, 'approval_expired', 'request');
  if (!covers(grant, resource, action)) return denialStands(decided, 'out_of_scope', 'request');
  if (decided.decision) return { context: { approval }, requestAgain: false };
  return { context: { reason: 'policy_denied', next_action: 'none', approval }, requestAgain: false };
}

function denialStands(decided: AccessDecision, reason: string, next: 'request' | 'none'): ApprovalReview {
  // A decision that allows without the approval stands; the approval is ignored, not an error.
  if (decided.decision) return { context: {}, requestAgain: false };
  const requestAgain = next === 'request' && decided.requestable;
  return { context: { reason, next_action: requestAgain ? 'request' : 'none' }, requestAgain };
}

/** A grant covers the object it names by catalog path, and a column through its dataset. */
function covers(grant: Grant, resource: { type: ResourceType; path: string }, action: ActionName): boolean {
  if (action === 'read' && grant.tier !== 'READ') return false;
  if (grant.paths.includes(resource.path)) return true;
  return resource.type === 'column' && grant.paths.includes(resource.path.split('.').slice(0, -1).join('.'));
}
