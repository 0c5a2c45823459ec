import type {
  AccessRequest,
  AccessRequestStatus,
  Grant,
  GrantStatus,
  Prisma,
} from '../../generated/prisma/client.ts';
import { type KeysetPage, newestFirstPage } from '../db/keyset-page.ts';
import type { PrismaClient } from '../db/open-database.ts';
import type { Viewer } from '../identity/viewer.ts';
import { ownGrantsFilter, ownRequestsFilter } from './request-visibility.ts';

/** Which of a viewer's own requests to list; every status when none is named. */
export interface RequestListFilter {
  statuses?: AccessRequestStatus[] | undefined;
}

/** Which of a viewer's own grants to list; every status when none is named. */
export interface GrantListFilter {
  statuses?: GrantStatus[] | undefined;
}

function ownRequests(viewer: Viewer, filter: RequestListFilter): Prisma.AccessRequestWhereInput {
  return { AND: [ownRequestsFilter(viewer), filter.statuses ? { status: { in: filter.statuses } } : {}] };
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
