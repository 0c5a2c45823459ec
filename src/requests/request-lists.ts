import type {
  AccessRequest,
  AccessRequestStatus,
  Grant,
  GrantStatus,
  Prisma,
} from '../../generated/prisma/client.ts';
import { type KeysetPage, newestFirstPage } from '../db/keyset-page.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { type HumanViewer, requireHuman, type Viewer } from '../identity/viewer.ts';
import { ownGrantsFilter, ownRequestsFilter } from './request-visibility.ts';

/**
 * A person's part in a request: made for them; waiting for their decision (pending, not past its
 * time, they are an approver and have not approved it); decided by them (they approved or denied it).
 */
export const requestRoles = ['REQUESTED_FOR_ME', 'AWAITING_MY_DECISION', 'DECIDED_BY_ME'] as const;
export type RequestRole = (typeof requestRoles)[number];

/** Which of a viewer's own requests to list; every status (and, for a person, every role) when none is named. */
export interface RequestListFilter {
  statuses?: AccessRequestStatus[] | undefined;
  /** People only: agents are refused a role (it is a person's part in a request). */
  role?: RequestRole | undefined;
}

/** Which of a viewer's own grants to list; every status when none is named. */
export interface GrantListFilter {
  statuses?: GrantStatus[] | undefined;
}

/**
 * Pending requests, not past their time, that this person may approve and has not: never their own,
 * and not while the person a request is for must confirm it first (nothing waits for approvers yet).
 */
export function awaitingDecisionOf(personId: string): Prisma.AccessRequestWhereInput {
  return {
    status: 'PENDING',
    expiresAt: { gt: new Date() },
    eligibleApproverIds: { has: personId },
    humanId: { not: personId },
    approvals: { none: { approverId: personId } },
    NOT: { consent: 'WAITING', approvalPlan: { path: ['requester'], equals: 'before' } },
  };
}

function roleFilter(person: HumanViewer, role: RequestRole): Prisma.AccessRequestWhereInput {
  const me = person.human.id;
  if (role === 'REQUESTED_FOR_ME') return { humanId: me };
  if (role === 'AWAITING_MY_DECISION') return awaitingDecisionOf(me);
  // Approved or denied by them; a request they withdrew (by taking its delegation back) they did not decide.
  return {
    OR: [
      { decidedBy: `person:${me}`, status: { in: ['APPROVED', 'DENIED'] } },
      { approvals: { some: { approverId: me } } },
    ],
  };
}

function ownRequests(viewer: Viewer, filter: RequestListFilter): Prisma.AccessRequestWhereInput {
  const role = filter.role
    ? roleFilter(requireHuman(viewer, 'only a person lists requests by their part in them'), filter.role)
    : {};
  return {
    AND: [ownRequestsFilter(viewer), filter.statuses ? { status: { in: filter.statuses } } : {}, role],
  };
}

function ownGrants(viewer: Viewer, filter: GrantListFilter): Prisma.GrantWhereInput {
  return { AND: [ownGrantsFilter(viewer), filter.statuses ? { status: { in: filter.statuses } } : {}] };
}

/** A page of the requests a viewer lists as its own, newest first (cursor: newestFirstCursor). */
export function pageOfRequests(
  prisma: PrismaClient,
  viewer: Viewer,
  filter: RequestListFilter,
  page: KeysetPage,
): Promise<AccessRequest[]> {
  const { where, orderBy, take } = newestFirstPage(page);
  return prisma.accessRequest.findMany({
    where: { AND: [ownRequests(viewer, filter), where] },
    orderBy,
    take,
  });
}

export function countRequests(
  prisma: PrismaClient,
  viewer: Viewer,
  filter: RequestListFilter,
): Promise<number> {
  return prisma.accessRequest.count({ where: ownRequests(viewer, filter) });
}

/** A page of the grants a viewer lists as its own, newest first (cursor: newestFirstCursor). */
export function pageOfGrants(
  prisma: PrismaClient,
  viewer: Viewer,
  filter: GrantListFilter,
  page: KeysetPage,
): Promise<Grant[]> {
  const { where, orderBy, take } = newestFirstPage(page);
  return prisma.grant.findMany({ where: { AND: [ownGrants(viewer, filter), where] }, orderBy, take });
}

export function countGrants(prisma: PrismaClient, viewer: Viewer, filter: GrantListFilter): Promise<number> {
  return prisma.grant.count({ where: ownGrants(viewer, filter) });
}
