import type { AccessRequest } from '../../../generated/prisma/client.ts';
import { assignStep, type CountedApproval, planOf } from './approval-plan.ts';

/** Whether this person (who may see the request) may decide it at all; the reason when not. */
export function approverProblem(
  request: Pick<AccessRequest, 'humanId' | 'eligibleApproverIds'>,
  personId: string,
): string | null {
  if (personId === request.humanId) return 'you cannot decide a request made on your own behalf';
  if (!request.eligibleApproverIds.includes(personId)) return 'you are not an approver of this request';
  return null;
}

/**
 * Whether a denial by this person would be taken now: the request is pending and not past its time,
 * and the person is one of its approvers (never its own human). The same checks as deciding, short
 * of the agent chain's status (a stopped chain's requests are cancelled with it).
 */
export function mayDenyNow(
  request: Pick<AccessRequest, 'status' | 'expiresAt' | 'humanId' | 'eligibleApproverIds'>,
  personId: string,
  now: Date,
): boolean {
  if (request.status !== 'PENDING' || request.expiresAt <= now) return false;
  return approverProblem(request, personId) === null;
}

/**
 * Whether an approval by this person would be taken now: they may deny it, have not approved it
 * yet, and their approval would count in an open step for an object still waiting (assignStep).
 */
export function mayApproveNow(
  request: AccessRequest,
  approvals: readonly CountedApproval[],
  personId: string,
  now: Date,
): boolean {
  if (!mayDenyNow(request, personId, now)) return false;
  if (waitsForPersonFirst(request)) return false;
  if (approvals.some((approval) => approval.approverId === personId)) return false;
  return !('refused' in assignStep(planOf(request), approvals, personId));
}

/** The person it is made for confirms it before any approval counts (and is still to). */
export function waitsForPersonFirst(request: AccessRequest): boolean {
  return request.consent === 'WAITING' && planOf(request).requester === 'before';
}

/** Where the person's confirmation stands among the approvals (`before` or `beside`); null when not asked. */
export function confirmationPosition(request: AccessRequest): 'before' | 'beside' | null {
  return request.consent === 'NOT_ASKED' ? null : planOf(request).requester;
}
