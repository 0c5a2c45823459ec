/**
 * npm run bench:slice — the read path of issue 14 on the 10,000-dataset company (200,000 columns,
 * 2,000 metrics, 1,000 humans, 500 policies), on PostgreSQL and on the embedded database: the
 * search page and dataset(path) at concurrency 32, the service in its own process and the load
 * from another (autocannon), against a bare graphql-yoga server answering the same JSON in the
 * same run, and against the same service with authorization off. Prints MET/MISSED per goal:
 * >= 50% of the floor's throughput, p99 <= 3x p50, authorization overhead <= 1.3x, the cold
 * full-catalog slice <= 500 ms, the first search page after a policy change <= 500 ms.
 *
 * Env: BENCH_MODELS (10000), BENCH_DATABASES (postgres,embedded), BENCH_SECONDS (10 per run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { TestIdentityProvider } from '../test/support/test-identity-provider.ts';
import { companyOfSize, writeCompanyFiles } from './company/large-company.ts';
import { printReadGoals } from './reads/print-read-goals.ts';
import { benchReads } from './reads/read-bench.ts';

const size = companyOfSize(Number(process.env.BENCH_MODELS ?? 10_000));
const databases = (process.env.BENCH_DATABASES ?? 'postgres,embedded').split(',') as (
  | 'postgres'
  | 'embedded'
)[];
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

const dir = await mkdtemp(path.join(tmpdir(), 'aperture-slice-'));
const idp = await TestIdentityProvider.create();
let allMet = true;
try {
  const files = await writeCompanyFiles(dir, size);
  console.log(
    `company: ${size.models} datasets, ${size.models * size.columnsPerModel} columns, ${size.metrics} metrics, ${size.humans} humans, ${size.policies} policies; load average ${loadavg()[0]!.toFixed(1)}`,
  );
  for (const database of databases) {
    const figures = await benchReads({ size, files, database, idp, seconds });
    allMet = printReadGoals(figures, { coldSearchMs: 500, fullSliceMs: 500 }) && allMet;
  }
} finally {
  await idp.close();
  await rm(dir, { recursive: true, force: true });
}
process.exitCode = allMet ? 0 : 1;
