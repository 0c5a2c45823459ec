/**
 * Writes the sorted GraphQL SDL to schema/schema.graphql and the console's typed view of it
 * (console/src/graphql/graphql-env.d.ts, gql.tada's introspection), or with --check fails when
 * either checked-in file is stale.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printSortedSchema } from '../src/graphql/schema.ts';

const schemaFile = 'schema/schema.graphql';
const consoleTypesFile = 'console/src/graphql/graphql-env.d.ts';
const printed = printSortedSchema();
const check = process.argv.includes('--check');

/** gql.tada's introspection of the SDL now in schema/, written to `output`. */
function generateConsoleTypes(output: string): void {
  const generated = spawnSync(
    process.execPath,
    [
      path.resolve('node_modules/gql.tada/bin/cli.js'),
      'generate',
      'output',
      '--tsconfig',
      'console/tsconfig.json',
      '--output',
      output,
    ],
    { encoding: 'utf8' },
  );
  if (generated.status !== 0) {
    console.error(`gql.tada could not type the console's documents:\n${generated.stderr}${generated.stdout}`);
    process.exit(1);
  }
}

if (check) {
  const current = await readFile(schemaFile, 'utf8').catch(() => '');
  if (current !== printed) {
    console.error(`${schemaFile} is stale: run \`npm run schema:print\` and commit the result.`);
    process.exit(1);
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'aperture-console-types-'));
  try {
    const fresh = path.join(folder, 'graphql-env.d.ts');
    generateConsoleTypes(fresh);
    const [expected, actual] = await Promise.all([
      readFile(fresh, 'utf8'),
      readFile(consoleTypesFile, 'utf8').catch(() => ''),
    ]);
    if (expected !== actual) {
      console.error(`${consoleTypesFile} is stale: run \`npm run schema:print\` and commit the result.`);
      process.exit(1);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
  console.log(`${schemaFile} and ${consoleTypesFile} are up to date.`);
} else {
  await mkdir('schema', { recursive: true });
  await writeFile(schemaFile, printed);
  generateConsoleTypes(consoleTypesFile);
  console.log(`Wrote ${schemaFile} and ${consoleTypesFile}.`);
}
