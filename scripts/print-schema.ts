/**
 * Writes the sorted GraphQL SDL to schema/schema.graphql, or with --check fails when the
 * checked-in file is stale.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { printSortedSchema } from '../src/graphql/schema.ts';

const target = 'schema/schema.graphql';
const printed = printSortedSchema();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== printed) {
    console.error(`${target} is stale: run \`npm run schema:print\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${target} is up to date.`);
} else {
  await mkdir('schema', { recursive: true });
  await writeFile(target, printed);
  console.log(`Wrote ${target}.`);
}
