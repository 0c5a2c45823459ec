import { decodeJwt } from 'jose';
import type { TestDatabase } from '../../test/support/test-database.ts';
import { gqlStep } from '../load/graphql-step.ts';
import type { LoadResult } from '../load/load-spec.ts';
import { runLoad } from '../load/run-load.ts';
import { benchSource } from './bench-source.ts';

export const vendMutation = `mutation ($source: String!) {
  vendDatabaseCredential(source: $source) {
    username password host port database expiresAt limitedBy
    datasets { dataset relation columns masked { column method } rowFilter }
  }
}`;
const releaseMutation = 'mutation ($username: String!) { releaseDatabaseCredential(username: $username) }';
/** The floor: the cheapest authenticated answer the same server gives the same tokens. */
export const viewerQuery = '{ viewer { kind tokenId human { email region } } }';

/** The service and the callers' tokens (one connection each) the load process drives. */
export interface VendTarget {
  origin: string;
  graphqlPath: string;
  db: TestDatabase;
  tokens: string[];
}

/** `count` vends (a multiple of the callers), one connection per caller, from the load process. */
export function vendLogins(target: VendTarget, count: number): Promise<LoadResult> {
  const connections = target.tokens.length;
  const scenarios = Array.from({ length: count }, (_, index) => [
    gqlStep(
      'vend',
      target.graphqlPath,
      target.tokens[index % connections]!,
      vendMutation,
      { source: benchSource },
      '"username":"',
    ),
  ]);
  return runLoad({ origin: target.origin, connections, seconds: 300, cycle: false, scenarios });
}

/** Releases every active login of the callers' tokens, each with the token it was vended to. */
export async function releaseAll(target: VendTarget): Promise<LoadResult> {
  const byTokenId = new Map(target.tokens.map((token) => [decodeJwt(token).jti!, token]));
  const active = await target.db.prisma.vendedRole.findMany({
    where: { status: 'ACTIVE', tokenId: { in: [...byTokenId.keys()] } },
    select: { roleName: true, tokenId: true },
  });
  const connections = target.tokens.length;
  if (active.length === 0) throw new Error('no active login to release: the vends did not happen');
  const scenarios = active.map(({ roleName, tokenId }) => [
    gqlStep(
      'release',
      target.graphqlPath,
      byTokenId.get(tokenId)!,
      releaseMutation,
      { username: roleName },
      '"releaseDatabaseCredential":true',
    ),
  ]);
  // autocannon runs whole scenarios per connection: pad with viewer queries (a second release of
  // one login would answer NOT_FOUND).
  while (scenarios.length % connections !== 0)
    scenarios.push([gqlStep('padding', target.graphqlPath, target.tokens[0]!, viewerQuery, {}, '"kind"')]);
  return runLoad({ origin: target.origin, connections, seconds: 300, cycle: false, scenarios });
}
