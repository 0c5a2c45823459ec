/**
 * Generates the demo company seed (Acme Cloudworks) loaded by aperture on first start:
 *   seeds/demo-manifest.json  dbt manifest v12
 *   seeds/people.json         people directory
 *   seeds/README.md           what the company contains
 *
 *   npx tsx scripts/seed/generate-demo-seed.ts
 *
 * Deterministic: the same declarations always produce byte-identical files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildManifest } from './build/manifest.ts';
import type { Manifest } from './build/manifest-types.ts';
import { people } from './people.ts';
import { renderReadme } from './readme.ts';
import type { Person } from './types.ts';
import { minimums, verifySeed } from './verify.ts';

const seedsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../seeds');
const manifestPath = path.join(seedsDir, 'demo-manifest.json');
const peoplePath = path.join(seedsDir, 'people.json');
const readmePath = path.join(seedsDir, 'README.md');

const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

async function main(): Promise<void> {
  const manifest = buildManifest(people);
  await writeFile(manifestPath, toJson(manifest));
  await writeFile(peoplePath, toJson(people));

  // Verify what was written, not the in-memory objects.
  const written = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  const writtenPeople = JSON.parse(await readFile(peoplePath, 'utf8')) as Person[];
  const { counts, errors } = verifySeed(written, writtenPeople);
  await writeFile(readmePath, renderReadme(written, writtenPeople, counts));

  const rows: [string, number, number | null][] = [
    ['domains', counts.domains, minimums.domains],
    ['datasets', counts.datasets, minimums.datasets],
    ['  sources', counts.sources, null],
    ['  staging models', counts.stagingModels, null],
    ['  mart models', counts.martModels, null],
    ['  seeds', counts.seeds, null],
    ['  snapshots', counts.snapshots, null],
    ['columns', counts.columns, minimums.columns],
    ['  described', counts.describedColumns, null],
    ['  pii', counts.piiColumns, null],
    ['semantic models', counts.semanticModels, null],
    ['metrics', counts.metrics, minimums.metrics],
    ['glossary terms', counts.glossaryTerms, minimums.glossaryTerms],
    ['exposures', counts.exposures, null],
    ['people', counts.people, minimums.people],
  ];
  for (const [label, value, min] of rows) {
    console.log(`${label.padEnd(18)} ${String(value).padStart(5)}${min === null ? '' : `  (min ${min})`}`);
  }
  console.log(`metric types       ${JSON.stringify(counts.metricsByType)}`);
  console.log(`dataset levels     ${JSON.stringify(counts.datasetsBySensitivity)}`);
  console.log(
    `wrote ${path.relative(process.cwd(), manifestPath)}, ${path.relative(process.cwd(), peoplePath)}, ${path.relative(process.cwd(), readmePath)}`,
  );

  if (errors.length > 0) {
    for (const error of errors) console.error(`✗ ${error}`);
    process.exitCode = 1;
  } else {
    console.log('✓ all checks passed');
  }
}

await main();
