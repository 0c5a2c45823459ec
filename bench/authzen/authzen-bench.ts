/**
 * npm run bench:authzen — the AuthZEN door (issue 21) against the GraphQL calls a gateway would
 * otherwise make, in the same run, on the same service process, at concurrency 16 over HTTP, on
 * the 10,000-dataset company of bench:slice. The service runs in its own process and the load
 * comes from another (autocannon, bench/load). The caller is a PEP client registered over GraphQL
 * (`registerPepClient`, HTTP Basic on every call); each viewer is a delegation (16 humans through
 * the bench agent, intent `analytics`) whose token the gateway forwards as the subject's proof.
 *
 * - evaluation (read, one dataset) next to GraphQL `dataset(path) { tier }`, same viewer and path;
 * - evaluations with 20 datasets per call next to one GraphQL query of the same 20, and its
 *   decisions per second against single evaluations';
 * - search/resource (datasets, discover, page.limit 100, first page) next to `datasets(first: 100)`.
 *
 * Every distinct request is answered once through both doors and the answers must agree (a
 * decision per GraphQL tier; the same page and total) before anything is timed. Prints p50/p99
 * and req/s per door, the ratios, the load average, and MET/MISSED for the goal: evaluation p50
 * <= 1.2x the GraphQL floor's.
 *
 * Env: BENCH_MODELS (10000), BENCH_DATABASE (postgres | embedded), BENCH_SECONDS (10 per run),
 * BENCH_CPU_PROF=<folder> (the service writes a CPU profile there; see bench/cpu-profile-top.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { TestIdentityProvider } from '../../test/support/test-identity-provider.ts';
import { benchAuditEnv } from '../audit-bench-env.ts';
import { companyOfSize, writeCompanyFiles } from '../company/large-company.ts';
import type { LoadResult, LoadStep } from '../load/load-spec.ts';
import { runLoad } from '../load/run-load.ts';
import { benchDelegations } from '../mcp/bench-delegations.ts';
import { companyDatabase } from '../mcp/company-database.ts';
import { visibleDatasets } from '../mcp/visible-datasets.ts';
import { startCompanyServer } from '../reads/company-server.ts';
import {
  type DoorComparison,
  evaluationComparison,
  evaluationsComparison,
  searchComparison,
} from './authzen-comparisons.ts';
import { registerBenchPep } from './bench-pep-client.ts';
import { datasetTiers } from './dataset-tiers.ts';
import { type DoorRuns, printBoxcarGain, printDoorComparison } from './print-door-comparison.ts';
import { verifyAgreement } from './verify-agreement.ts';

const connections = 16;
const goal = 1.2;
const size = companyOfSize(Number(process.env.BENCH_MODELS ?? 10_000));
const database = (process.env.BENCH_DATABASE ?? 'postgres') as 'postgres' | 'embedded';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
if (database !== 'postgres' && database !== 'embedded')
  throw new Error('BENCH_DATABASE: postgres or embedded');

const scratch = await mkdtemp(path.join(tmpdir(), 'aperture-authzen-bench-'));
const idp = await TestIdentityProvider.create();
let allMet = true;
try {
  const files = await writeCompanyFiles(scratch, size);
  const company = await companyDatabase(database, size, files, scratch);
  console.log(
    `company: ${size.models} datasets, ${size.models * size.columnsPerModel} columns, ${size.metrics} metrics, ${size.humans} humans, ${size.policies} policies on ${database} (import ${company.importSeconds.toFixed(1)} s); load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const service = await startCompanyServer({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PORT: '0',
    APERTURE_SEED_DEMO: 'false',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
    // The bench exchanges two tokens per viewer from one address.
    APERTURE_TOKEN_REQUESTS_PER_MINUTE: '100000',
    ...benchAuditEnv(),
    ...company.env,
  });
  try {
    // 16 humans of different departments and regions: 16 slices, as many as connections.
    const delegations = await benchDelegations(
      service,
      idp,
      Array.from({ length: connections }, (_, index) => 1 + index * 7),
    );
    const pep = await registerBenchPep(service, idp);
    // 20 visible datasets per viewer on average: a boxcar of 20 for most viewers.
    const pairs = await datasetTiers(
      service.graphqlUrl,
      await visibleDatasets(service.graphqlUrl, delegations, { count: 320, models: size.models }),
    );
    const single = evaluationComparison(pairs, pep.authorization);
    const boxcar = evaluationsComparison(pairs, pep.authorization);
    const search = searchComparison(delegations, pep.authorization);
    const comparisons = [single, boxcar, search];
    for (const compared of comparisons) await verifyAgreement(service.origin, compared);
    console.log(
      `verified: ${comparisons.map((compared) => `${compared.asks.length} ${compared.label}`).join(', ')}: AuthZEN agrees with GraphQL on every one (${pairs.filter((pair) => pair.tier === 'READ').length} of ${pairs.length} datasets readable)`,
    );

    const load = (steps: LoadStep[], runSeconds = seconds): Promise<LoadResult> =>
      runLoad({
        origin: service.origin,
        connections,
        seconds: runSeconds,
        cycle: true,
        scenarios: steps.map((step) => [step]),
      });
    const floorSteps = (compared: DoorComparison) => compared.asks.map((ask) => ask.floor);
    const authzenSteps = (compared: DoorComparison) => compared.asks.map((ask) => ask.authzen);

    for (const compared of comparisons) {
      await load(floorSteps(compared), 3);
      await load(authzenSteps(compared), 3);
    }
    console.log(`service RSS after warm-up: ${((await service.rss()) / 2 ** 20).toFixed(0)} MiB`);
    const runs = new Map<DoorComparison, DoorRuns>();
    for (const [index, compared] of comparisons.entries()) {
      // Alternate which door goes first, so neither always meets a warmer or busier machine.
      const floorFirst = index % 2 === 0;
      const first = await load(floorFirst ? floorSteps(compared) : authzenSteps(compared));
      const second = await load(floorFirst ? authzenSteps(compared) : floorSteps(compared));
      const [floor, authzen] = floorFirst ? [first, second] : [second, first];
      runs.set(compared, { floor, authzen });
      const withGoal = compared === single ? { connections, goal } : { connections };
      allMet = printDoorComparison(compared, { floor, authzen }, withGoal) && allMet;
      if (compared === boxcar)
        printBoxcarGain(
          { compared: boxcar, run: authzen },
          { compared: single, run: runs.get(single)!.authzen },
        );
    }
    console.log(`load average at the end: ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await service.stop();
    await company.dispose();
  }
} finally {
  await idp.close();
  await rm(scratch, { recursive: true, force: true });
}
process.exitCode = allMet ? 0 : 1;
