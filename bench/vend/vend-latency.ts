import { gqlStep } from '../load/graphql-step.ts';
import type { LoadResult } from '../load/load-spec.ts';
import { describeLoad, runLoad } from '../load/run-load.ts';
import { profiled } from '../profiled.ts';
import { releaseAll, type VendTarget, vendLogins, viewerQuery } from './vend-load.ts';

export interface VendFigures {
  vend: LoadResult;
  floor: LoadResult;
  release: LoadResult;
  /** Logins created by the timed run (warm-up excluded), and left in the source after release. */
  loginsVended: number;
  loginsLeft: number;
}

/**
 * Vend latency at one connection per caller, each with its own delegation token, from a separate
 * process; beside the floor (the viewer query) on the same server with the same tokens; then every
 * login is released (also from the load process), so that nothing is left for the next part's
 * follow passes to recheck.
 */
export async function measureVendLatency(
  target: VendTarget,
  options: {
    vends: number;
    floorSeconds: number;
    /** Counts the vended logins the source database holds. */
    loginsInSource(): Promise<number>;
  },
): Promise<VendFigures> {
  const connections = target.tokens.length;
  const viewerScenarios = target.tokens.map((token) => [
    gqlStep('viewer', target.graphqlPath, token, viewerQuery, {}, '"kind":"AGENT"'),
  ]);
  const floorLoad = (seconds: number) =>
    runLoad({ origin: target.origin, connections, seconds, cycle: true, scenarios: viewerScenarios });

  // The first vend makes the view, the capability role and the RLS policy; warm both paths up.
  print('warm-up vends', await vendLogins(target, 4 * connections));
  print('warm-up floor', await floorLoad(2));
  await releaseAll(target);

  const before = await target.db.prisma.vendedRole.count();
  const floor = print(
    `floor: viewer query, ${connections} connections`,
    await floorLoad(options.floorSeconds),
  );
  const vend = print(
    `vendDatabaseCredential, ${connections} connections`,
    await profiled('the timed vends', () => vendLogins(target, options.vends)),
  );
  const loginsVended = (await target.db.prisma.vendedRole.count()) - before;
  const release = print(`releaseDatabaseCredential, ${connections} connections`, await releaseAll(target));
  return { vend, floor, release, loginsVended, loginsLeft: await options.loginsInSource() };
}

export function print(label: string, result: LoadResult): LoadResult {
  console.log(describeLoad(label, result));
  return result;
}
