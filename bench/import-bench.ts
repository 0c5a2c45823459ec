/**
 * npm run bench:import — imports the synthetic company (bench/company/large-company.ts) at several
 * sizes into fresh databases: people, the dbt manifest, the policies, each timed, with the peak RSS
 * of each phase. Every size runs in its own child process, so its memory is its own. At the sizes
 * of BENCH_REIMPORT_SIZES it also times an unchanged re-import and one where 10% of the models changed.
 *
 * Targets: the 100k-dataset company (2,000,000 columns, 20,000 metrics, 10,000 humans, 5,000
 * policies) imports in <= 5 min (issue #14); the 10k manifest in <= 60 s and <= 1 GiB (issue #2).
 *
 * Env: BENCH_SIZES (default 1000,10000,100000), BENCH_EMBEDDED_SIZES (default 10000; PGlite in a
 * data folder, in the child's own process), BENCH_REIMPORT_SIZES (default 10000), BENCH_CHILD_ARGS
 * (node flags for each size's process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
 * TEST_DATABASE_ADMIN_URL.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { importDbtManifest } from '../src/catalog/import/import-dbt-manifest.ts';
import { applyMigrations } from '../src/db/migrations/apply-migrations.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { applyPeople } from '../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../src/people/import/parse-people-file.ts';
import { applyPolicySet, validatePolicySet } from '../src/policy/store/policy-store.ts';
import { createEmptyPostgresDatabase, silentLogger } from '../test/support/test-database.ts';
import {
  type CompanySize,
  companyOfSize,
  companyPolicies,
  writeCompanyFiles,
} from './company/large-company.ts';

type Kind = 'postgres' | 'embedded';

interface Phase {
  label: string;
  seconds: number;
  /** Peak RSS sampled while the phase ran. */
  peakMiB: number;
  detail?: string;
}

interface SizeResult {
  kind: Kind;
  size: CompanySize;
  manifestMiB: number;
  phases: Phase[];
  /** people + manifest + policies. */
  firstImportSeconds: number;
  /** The process's peak RSS over the first import (getrusage), database included when embedded. */
  firstImportPeakMiB: number;
  manifestSeconds: number;
  manifestPeakMiB: number;
}

const resultPrefix = 'RESULT ';
const mib = (bytes: number) => bytes / 2 ** 20;

if (process.argv[2] === '--one') {
  await runOneSize(Number(process.argv[3]), process.argv[4] as Kind, process.argv[5] === 'reimport');
} else {
  await runAllSizes();
}

async function runAllSizes(): Promise<void> {
  const list = (value: string | undefined, fallback: string) =>
    (value ?? fallback)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .map(Number);
  const sizes = list(process.env.BENCH_SIZES, '1000,10000,100000');
  const embeddedSizes = list(process.env.BENCH_EMBEDDED_SIZES, '10000');
  const reimportSizes = new Set(list(process.env.BENCH_REIMPORT_SIZES, '10000'));
  const childArgs = (process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean);

  const runs: { models: number; kind: Kind }[] = [
    ...sizes.map((models) => ({ models, kind: 'postgres' as const })),
    ...embeddedSizes.map((models) => ({ models, kind: 'embedded' as const })),
  ];
  const results: SizeResult[] = [];
  for (const { models, kind } of runs) {
    console.log(`\n== ${models} datasets, ${kind} ==`);
    const result = await runChild(childArgs, [
      String(models),
      kind,
      reimportSizes.has(models) ? 'reimport' : 'first-only',
    ]);
    if (result) results.push(result);
  }
  printTable(results);
  const verdicts = [
    verdict(
      results,
      100_000,
      'postgres',
      (r) => r.firstImportSeconds <= 300,
      '100k company imports in <= 5 min',
    ),
    verdict(
      results,
      10_000,
      'postgres',
      (r) => r.manifestSeconds <= 60 && r.manifestPeakMiB <= 1024,
      '10k manifest imports in <= 60 s and <= 1 GiB',
    ),
  ].filter((line) => line !== undefined);
  console.log(
    `\nload average at the end: ${(await import('node:os'))
      .loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  for (const line of verdicts) console.log(line);
  process.exitCode =
    verdicts.some((line) => line.startsWith('MISSED')) || results.length < runs.length ? 1 : 0;
}

function verdict(
  results: SizeResult[],
  models: number,
  kind: Kind,
  met: (result: SizeResult) => boolean,
  goal: string,
): string | undefined {
  const result = results.find((r) => r.size.models === models && r.kind === kind);
  if (!result) return undefined;
  const figures = `company ${result.firstImportSeconds.toFixed(1)} s, manifest ${result.manifestSeconds.toFixed(1)} s, peak RSS ${result.firstImportPeakMiB.toFixed(0)} MiB`;
  return `${met(result) ? 'MET' : 'MISSED'}: ${goal} (${kind}: ${figures})`;
}

function printTable(results: SizeResult[]): void {
  const phase = (r: SizeResult, label: string) => r.phases.find((p) => p.label === label);
  const cell = (p: Phase | undefined) =>
    p ? `${p.seconds.toFixed(1)} s / ${p.peakMiB.toFixed(0)} MiB` : '-';
  const header = [
    'datasets',
    'db',
    'columns',
    'manifest',
    'people',
    'manifest import',
    'policies',
    'total',
    'peak RSS',
    're-import same',
    're-import 10%',
  ];
  const rows = results.map((r) => [
    r.size.models.toLocaleString('en'),
    r.kind,
    (r.size.models * r.size.columnsPerModel).toLocaleString('en'),
    `${r.manifestMiB.toFixed(0)} MiB`,
    cell(phase(r, 'people')),
    cell(phase(r, 'manifest')),
    cell(phase(r, 'policies')),
    `${r.firstImportSeconds.toFixed(1)} s`,
    `${r.firstImportPeakMiB.toFixed(0)} MiB`,
    cell(phase(r, 're-import, unchanged')),
    cell(phase(r, 're-import, 10% changed')),
  ]);
  console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log(
    '(phase cells: seconds / peak RSS sampled in that phase; peak RSS: getrusage over the first import)',
  );
}

/** One size in its own process; its lines are passed through, its result line parsed. */
async function runChild(childArgs: string[], args: string[]): Promise<SizeResult | undefined> {
  const child = spawn(
    process.execPath,
    [...childArgs, '--import', 'tsx', fileURLToPath(import.meta.url), '--one', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let result: SizeResult | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith(resultPrefix)) result = JSON.parse(line.slice(resultPrefix.length)) as SizeResult;
    else console.log(line);
  }
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) console.log(`the ${args.join(' ')} run exited with ${code}`);
  return result;
}

async function runOneSize(models: number, kind: Kind, reimport: boolean): Promise<void> {
  const size = companyOfSize(models);
  const dir = await mkdtemp(path.join(tmpdir(), 'aperture-import-bench-'));
  const files = await writeCompanyFiles(dir, size);
  const manifestMiB = mib((await stat(files.manifest)).size);
  console.log(
    `company: ${size.models} datasets, ${size.models * size.columnsPerModel} columns, ${size.metrics} metrics, ${size.humans} humans, ${size.policies} policies; manifest ${manifestMiB.toFixed(0)} MiB`,
  );

  const created = kind === 'postgres' ? await createEmptyPostgresDatabase('aperture_bench') : undefined;
  const database = created
    ? await openDatabase({ kind: 'postgres', url: created.url, poolSize: 4 })
    : await openDatabase({ kind: 'embedded', dataDir: path.join(dir, 'data') });
  let phasePeak = 0;
  const sampler = setInterval(() => {
    phasePeak = Math.max(phasePeak, process.memoryUsage.rss());
  }, 50);
  const phases: Phase[] = [];
  async function timed(label: string, work: () => Promise<string | undefined>): Promise<Phase> {
    phasePeak = process.memoryUsage.rss();
    const started = performance.now();
    const detail = await work();
    const phase: Phase = {
      label,
      seconds: (performance.now() - started) / 1000,
      peakMiB: mib(Math.max(phasePeak, process.memoryUsage.rss())),
      ...(detail === undefined ? {} : { detail }),
    };
    console.log(
      `${label.padEnd(24)} ${phase.seconds.toFixed(1).padStart(7)} s  peak RSS ${phase.peakMiB.toFixed(0).padStart(5)} MiB  ${detail ?? ''}`,
    );
    phases.push(phase);
    return phase;
  }
  const importManifest = async (file: string) => {
    // When each phase first reports progress (datasets: after its first insert, so reading,
    // converting and validating the manifest are in the time before it).
    const firstSeen = new Map<string, number>();
    const summary = await importDbtManifest(database.prisma, file, {
      onProgress: ({ phase }) => {
        if (!firstSeen.has(phase)) firstSeen.set(phase, performance.now());
      },
    });
    const marks = [...firstSeen, ['end', performance.now()] as const];
    const split = marks
      .slice(1)
      .map(([, at], index) => `${marks[index]![0]} ${((at - marks[index]![1]) / 1000).toFixed(1)} s`)
      .join(', ');
    return `datasets +${summary.datasets.added} ~${summary.datasets.changed} -${summary.datasets.removed}, columns +${summary.columns.added} ~${summary.columns.changed} -${summary.columns.removed}, metrics +${summary.metrics.added} (${split})`;
  };

  try {
    await applyMigrations(database.sql, silentLogger);
    const people = await timed('people', async () => {
      const summary = await applyPeople(database.prisma, files.people, await parsePeopleFile(files.people));
      return `people +${summary.people.added}`;
    });
    const manifest = await timed('manifest', () => importManifest(files.manifest));
    const policies = await timed('policies', async () => {
      const result = await applyPolicySet(
        database.prisma,
        validatePolicySet(companyPolicies(size.policies, 0), 'bench'),
        { source: 'bench' },
      );
      return `policy set version ${result.version}, +${result.diff.added.length}`;
    });
    const firstImportPeakMiB = mib(process.resourceUsage().maxRSS * 1024);

    if (reimport) {
      await timed('re-import, unchanged', () => importManifest(files.manifest));
      const changed = JSON.parse(await readFile(files.manifest, 'utf8')) as {
        nodes: Record<string, { description: string }>;
      };
      let index = 0;
      for (const node of Object.values(changed.nodes))
        if (index++ % 10 === 0) node.description += ' (revised)';
      const changedFile = path.join(dir, 'changed.json');
      await writeFile(changedFile, JSON.stringify(changed));
      await timed('re-import, 10% changed', () => importManifest(changedFile));
    }

    const result: SizeResult = {
      kind,
      size,
      manifestMiB,
      phases,
      firstImportSeconds: people.seconds + manifest.seconds + policies.seconds,
      firstImportPeakMiB,
      manifestSeconds: manifest.seconds,
      manifestPeakMiB: manifest.peakMiB,
    };
    console.log(resultPrefix + JSON.stringify(result));
  } finally {
    clearInterval(sampler);
    await database.close();
    await created?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}
