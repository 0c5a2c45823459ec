/**
 * npm run bench:mcp — the MCP door against the GraphQL door in the same run, on the same service
 * process: `search_catalog` next to the search page and `describe_object` next to `dataset(path)`,
 * each at concurrency 16 over HTTP, on the 10,000-dataset company of bench:slice. The service runs
 * in its own process and the load comes from another (autocannon, bench/load). Every viewer is a
 * delegation (a human, the bench agent, intent `analytics`) holding two tokens, one for GraphQL and
 * one bound to `<origin>/mcp`; MCP calls are the one POST a 2026-07-28 client sends (no session).
 * Every distinct request is answered once and checked before anything is timed. Prints p50/p99 and
 * req/s per door, and MET/MISSED for the goal of issue 15: MCP latency <= 1.2x GraphQL's (p50).
 *
 * Env: BENCH_MODELS (10000), BENCH_DATABASE (postgres | embedded), BENCH_SECONDS (10 per run),
 * BENCH_LEGACY=true (also time the same calls from a 2025-era client, served statelessly),
 * BENCH_CPU_PROF=<folder> (the service writes a CPU profile there; see bench/cpu-profile-top.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { TestIdentityProvider } from '../../test/support/test-identity-provider.ts';
import { benchAuditEnv } from '../audit-bench-env.ts';
import { companyOfSize, writeCompanyFiles } from '../company/large-company.ts';
import type { LoadSpec } from '../load/load-spec.ts';
import { runLoad } from '../load/run-load.ts';
import { startCompanyServer } from '../reads/company-server.ts';
import { benchDelegations } from './bench-delegations.ts';
import { companyDatabase } from './company-database.ts';
import { printComparison } from './print-comparison.ts';
import { readComparisons } from './read-comparisons.ts';
import { verifyAnswers } from './verify-answers.ts';
import { visibleDatasets } from './visible-datasets.ts';

const connections = 16;
const goal = 1.2;
const size = companyOfSize(Number(process.env.BENCH_MODELS ?? 10_000));
const database = (process.env.BENCH_DATABASE ?? 'postgres') as 'postgres' | 'embedded';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const withLegacy = process.env.BENCH_LEGACY === 'true';
if (database !== 'postgres' && database !== 'embedded')
  throw new Error('BENCH_DATABASE: postgres or embedded');

const scratch = await mkdtemp(path.join(tmpdir(), 'aperture-mcp-bench-'));
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
    const pairs = await visibleDatasets(service.graphqlUrl, delegations, { count: 320, models: size.models });
    const comparisons = readComparisons(delegations, pairs);
    for (const compared of comparisons) await verifyAnswers(service.origin, compared, withLegacy);
    const load = (scenarios: LoadSpec['scenarios'], runSeconds = seconds) =>
      runLoad({ origin: service.origin, connections, seconds: runSeconds, cycle: true, scenarios });

    for (const compared of comparisons) {
      await load(compared.graphql, 3);
      await load(compared.mcp, 3);
      if (withLegacy) await load(compared.legacy, 3);
    }
    console.log(`service RSS after warm-up: ${((await service.rss()) / 2 ** 20).toFixed(0)} MiB`);
    for (const [index, compared] of comparisons.entries()) {
      // Alternate which door goes first, so neither always meets a warmer or busier machine.
      const graphqlFirst = index % 2 === 0;
      const first = await load(graphqlFirst ? compared.graphql : compared.mcp);
      const second = await load(graphqlFirst ? compared.mcp : compared.graphql);
      const [graphql, mcp] = graphqlFirst ? [first, second] : [second, first];
      const legacy = withLegacy ? await load(compared.legacy) : null;
      allMet = printComparison(compared, { graphql, mcp, legacy }, { connections, goal }) && allMet;
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
