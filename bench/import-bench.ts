/**
 * npm run bench:import — imports a generated dbt manifest with 10,000 models and 200,000 columns
 * into a fresh PostgreSQL database and prints the time and peak memory, then times an unchanged
 * re-import and a re-import where 10% of the models changed.
 * Targets (issue #2): first import at most 60 s and 1 GiB.
 *
 * Env: BENCH_MODELS, BENCH_COLUMNS_PER_MODEL, TEST_DATABASE_ADMIN_URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importDbtManifest } from '../src/catalog/import/import-dbt-manifest.ts';
import { applyMigrations } from '../src/db/migrations/apply-migrations.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { createEmptyPostgresDatabase, silentLogger } from '../test/support/test-database.ts';

const models = Number(process.env.BENCH_MODELS ?? 10_000);
const columnsPerModel = Number(process.env.BENCH_COLUMNS_PER_MODEL ?? 20);
const targetSeconds = 60;
const targetMiB = 1024;

const dir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-'));
const manifest = path.join(dir, 'manifest.json');
// Generated in a child process so this process's peak memory is the import's alone.
execFileSync(
  process.execPath,
  ['--import', 'tsx', 'bench/company/generate-large-manifest.ts', manifest, String(models), String(columnsPerModel)],
  {
    stdio: 'inherit',
  },
);
const sizeMiB = (await stat(manifest)).size / 2 ** 20;

const created = await createEmptyPostgresDatabase('aperture_bench');
const database = await openDatabase({ kind: 'postgres', url: created.url, poolSize: 4 });
let peakRss = process.memoryUsage().rss;
let peakHeap = 0;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed + usage.external + usage.arrayBuffers);
}, 50);

async function timed(label: string, file: string) {
  const started = performance.now();
  const summary = await importDbtManifest(database.prisma, file);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(28)} ${seconds.toFixed(1).padStart(6)} s   datasets +${summary.datasets.added} ~${summary.datasets.changed} -${summary.datasets.removed}   columns +${summary.columns.added} ~${summary.columns.changed} -${summary.columns.removed}`,
  );
  return seconds;
}

try {
  await applyMigrations(database.sql, silentLogger);
  console.log(`manifest: ${models} models, ${models * columnsPerModel} columns, ${sizeMiB.toFixed(0)} MiB`);
  const first = await timed('first import', manifest);
  const firstPeakMiB = Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  console.log(`peak JS heap + external during first import: ${(peakHeap / 2 ** 20).toFixed(0)} MiB`);
  await timed('re-import, unchanged', manifest);

  const changed = JSON.parse(await readFile(manifest, 'utf8')) as {
    nodes: Record<string, { description: string }>;
  };
  let index = 0;
  for (const node of Object.values(changed.nodes)) if (index++ % 10 === 0) node.description += ' (revised)';
  const changedFile = path.join(dir, 'changed.json');
  await writeFile(changedFile, JSON.stringify(changed));
  await timed('re-import, 10% changed', changedFile);

  const overallPeakMiB = Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  console.log(
    `peak RSS during first import: ${firstPeakMiB.toFixed(0)} MiB; over the whole run: ${overallPeakMiB.toFixed(0)} MiB`,
  );
  const ok = first <= targetSeconds && firstPeakMiB <= targetMiB;
  console.log(
    `target: first import <= ${targetSeconds} s and <= ${targetMiB} MiB: ${ok ? 'MET' : 'MISSED'} (${first.toFixed(1)} s, ${firstPeakMiB.toFixed(0)} MiB)`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  clearInterval(sampler);
  await database.close();
  await created.drop();
  await rm(dir, { recursive: true, force: true });
}
