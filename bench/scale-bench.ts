/**
 * npm run bench:scale — how the read path grows with the catalog: the company at 1,000, 10,000
 * and 100,000 datasets (20 columns each; metrics, humans and policies in proportion, up to 20,000
 * metrics, 10,000 humans and 5,000 policies) on PostgreSQL. For each size: the import, the
 * service's memory holding the catalog, the cold full-catalog slice for one viewer, and the search
 * page and dataset(path) throughput at concurrency 32 beside the bare-yoga floor of the same run.
 * Goals (issue 14) at the largest size: import <= 5 min, service RSS <= 3 GiB, cold full-catalog
 * slice <= 3 s, read throughput (as a share of its floor) within 25% of the 10k catalog's.
 *
 * Env: BENCH_SIZES (1000,10000,100000), BENCH_SECONDS (8 per run).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { TestIdentityProvider } from '../test/support/test-identity-provider.ts';
import { companyOfSize, writeCompanyFiles } from './company/large-company.ts';
import { printReadGoals } from './reads/print-read-goals.ts';
import { benchReads, type ReadFigures } from './reads/read-bench.ts';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const idp = await TestIdentityProvider.create();
const results: { models: number; figures: ReadFigures }[] = [];
try {
  for (const models of sizes) {
    const size = companyOfSize(models);
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-scale-'));
    try {
      const files = await writeCompanyFiles(dir, size);
      console.log(
        `company: ${size.models} datasets, ${size.models * size.columnsPerModel} columns, ${size.metrics} metrics, ${size.humans} humans, ${size.policies} policies; load average ${loadavg()[0]!.toFixed(1)}`,
      );
      const figures = await benchReads({ size, files, database: 'postgres', idp, seconds });
      printReadGoals(figures, { coldSearchMs: models === 10_000 ? 500 : null, fullSliceMs: 3_000 });
      results.push({ models, figures });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
} finally {
  await idp.close();
}

const share = (figures: ReadFigures, kind: 'search' | 'dataset') =>
  figures[kind].service.scenariosPerSecond / figures[kind].floor.scenariosPerSecond;
console.log(
  '\n| datasets | import | catalog load | service RSS | cold full slice | search (share of floor) | dataset(path) (share of floor) |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const { models, figures } of results) {
  console.log(
    `| ${models.toLocaleString('en')} | ${figures.importSeconds.toFixed(0)} s | ${(figures.catalogIndexMs / 1000).toFixed(1)} s | ${(figures.serviceRssBytes / 2 ** 20).toFixed(0)} MiB | ${figures.fullSliceMs.toFixed(0)} ms | ${figures.search.service.scenariosPerSecond.toFixed(0)}/s (${(share(figures, 'search') * 100).toFixed(0)}%) | ${figures.dataset.service.scenariosPerSecond.toFixed(0)}/s (${(share(figures, 'dataset') * 100).toFixed(0)}%) |`,
  );
}
const largest = results.at(-1);
const reference = results.find((result) => result.models === 10_000);
if (largest && largest.models >= 100_000) {
  const verdict = (met: boolean) => (met ? 'MET   ' : 'MISSED');
  const { figures } = largest;
  console.log(
    `${verdict(figures.importSeconds <= 300)} import of ${largest.models} datasets <= 5 min: ${figures.importSeconds.toFixed(0)} s`,
  );
  console.log(
    `${verdict(figures.serviceRssBytes <= 3 * 2 ** 30)} service RSS <= 3 GiB: ${(figures.serviceRssBytes / 2 ** 30).toFixed(2)} GiB`,
  );
  console.log(
    `${verdict(figures.fullSliceMs <= 3_000)} cold full-catalog slice <= 3 s: ${figures.fullSliceMs.toFixed(0)} ms`,
  );
  if (reference) {
    for (const kind of ['search', 'dataset'] as const) {
      const ratio = share(figures, kind) / share(reference.figures, kind);
      console.log(
        `${verdict(ratio >= 0.75)} ${kind} throughput within 25% of the 10k catalog's: ${(ratio * 100).toFixed(0)}%`,
      );
    }
  }
}
