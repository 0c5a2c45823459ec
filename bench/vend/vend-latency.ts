import { decodeJwt } from 'jose';
import type { TestDatabase } from '../../test/support/test-database.ts';
import type { LoadResult, LoadStep } from '../load/load-spec.ts';
import { describeLoad, runLoad } from '../load/run-load.ts';
import { benchSource } from './bench-source.ts';

export const vendMutation = `mutation ($source: String!) {
  vendDatabaseCredential(source: $source) {
    username password host port database expiresAt limitedBy
    datasets { dataset relation columns masked { column method } rowFilter }
  }
}`;
const releaseMutation = 'mutation ($username: String!) { releaseDatabaseCredential(username: $username) }';
/** The floor: the cheapest authenticated answer the same server gives the same tokens. */
const viewerQuery = '{ viewer { kind tokenId human { email region } } }';

export interface VendFigures {
  vend: LoadResult;
  floor: LoadResult;
  release: LoadResult;
  /** Logins created by the timed run (warm-up excluded), and left in the source after release. */
  loginsVended: number;
  loginsLeft: number;
}

export function gqlStep(
  label: string,
  graphqlPath: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  expect: string,
): LoadStep {
  return {
    label,
    method: 'POST',
    path: graphqlPath,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    expect,
  };
}

/**
 * Vend latency at `connections` callers, each with its own delegation token, from a separate
 * process; then the floor (the viewer query) on the same server with the same tokens; then every
 * login is released (also from the load process), so that nothing is left for the next part's
 * follow passes to recheck.
 */
export async function measureVendLatency(options: {
  origin: string;
  graphqlPath: string;
  db: TestDatabase;
  tokens: string[];
  vends: number;
  floorSeconds: number;
  /** Counts the vended logins the source database holds. */
  loginsInSource(): Promise<number>;
}): Promise<VendFigures> {
  const { origin, graphqlPath, tokens } = options;
  const connections = tokens.length;
  const vendScenarios = (count: number) =>
    Array.from({ length: count }, (_, index) => [
      gqlStep(
        'vend',
        graphqlPath,
        tokens[index % connections]!,
        vendMutation,
        { source: benchSource },
        '"username":"',
      ),
    ]);
  const viewerScenarios = tokens.map((token) => [
    gqlStep('viewer', graphqlPath, token, viewerQuery, {}, '"kind":"AGENT"'),
  ]);

  // The first vend makes the view, the capability role and the RLS policy; warm both paths up.
  print(
    'warm-up vends',
    await runLoad({
      origin,
      connections,
      seconds: 60,
      cycle: false,
      scenarios: vendScenarios(4 * connections),
    }),
  );
  print(
    'warm-up floor',
    await runLoad({ origin, connections, seconds: 2, cycle: true, scenarios: viewerScenarios }),
  );
  await releaseAll(options);

  const before = await options.db.prisma.vendedRole.count();
  const floor = print(
    `floor: viewer query, ${connections} connections`,
    await runLoad({
      origin,
      connections,
      seconds: options.floorSeconds,
      cycle: true,
      scenarios: viewerScenarios,
    }),
  );
  const vend = print(
    `vendDatabaseCredential, ${connections} connections`,
    await runLoad({
      origin,
      connections,
      seconds: 300,
      cycle: false,
      scenarios: vendScenarios(options.vends),
    }),
  );
  const loginsVended = (await options.db.prisma.vendedRole.count()) - before;
  const release = print(`releaseDatabaseCredential, ${connections} connections`, await releaseAll(options));
  return { vend, floor, release, loginsVended, loginsLeft: await options.loginsInSource() };
}

function print(label: string, result: LoadResult): LoadResult {
  console.log(describeLoad(label, result));
  return result;
}

/** Releases every active login, each with the token it was vended to. */
async function releaseAll(options: {
  origin: string;
  graphqlPath: string;
  db: TestDatabase;
  tokens: string[];
}): Promise<LoadResult> {
  const byTokenId = new Map(options.tokens.map((token) => [decodeJwt(token).jti!, token]));
  const active = await options.db.prisma.vendedRole.findMany({
    where: { status: 'ACTIVE', tokenId: { in: [...byTokenId.keys()] } },
    select: { roleName: true, tokenId: true },
  });
  const connections = options.tokens.length;
  if (active.length === 0) throw new Error('no active login to release: the vends did not happen');
  const scenarios = active.map(({ roleName, tokenId }) => [
    gqlStep(
      'release',
      options.graphqlPath,
      byTokenId.get(tokenId)!,
      releaseMutation,
      { username: roleName },
      '"releaseDatabaseCredential":true',
    ),
  ]);
  // autocannon runs whole scenarios per connection: pad with viewer queries (a second release of
  // one login would answer NOT_FOUND).
  while (scenarios.length % connections !== 0)
    scenarios.push([gqlStep('padding', options.graphqlPath, options.tokens[0]!, viewerQuery, {}, '"kind"')]);
  return runLoad({ origin: options.origin, connections, seconds: 300, cycle: false, scenarios });
}
