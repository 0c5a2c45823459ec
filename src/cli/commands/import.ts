import type { Command } from 'commander';
import type { ImportSummary } from '../../catalog/import/apply-catalog-snapshot.ts';
import type { CatalogJsonUse } from '../../catalog/import/dbt/read-catalog.ts';
import { withDatabase } from '../command-context.ts';
import { formatChangeTable, formatMerges, formatWarnings } from '../format-summary.ts';

function printCatalogSummary(summary: ImportSummary, seconds: number, inputs: string[] = []): void {
  console.log(`Imported ${summary.input} as ${summary.origin} in ${seconds.toFixed(1)} s`);
  for (const line of inputs) console.log(line);
  console.log(
    formatChangeTable([
      ['datasets', summary.datasets],
      ['columns', summary.columns],
      ['dimensions', summary.dimensions],
      ['join paths', summary.joinPaths],
      ['metrics', summary.metrics],
      ['glossary terms', summary.glossary],
    ]),
  );
  if (summary.merged.length > 0) {
    console.log(`Several objects name one table, imported once (${summary.merged.length}):`);
    for (const line of formatMerges(summary.merged)) console.log(line);
  }
  for (const line of formatWarnings(summary.warnings)) console.log(line);
}

function describeCatalogJson(use: CatalogJsonUse): string {
  const yamlOnly = 'columns are the ones documented in YAML';
  switch (use.status) {
    case 'given':
      return `Columns and types from ${use.file}`;
    case 'found-beside-manifest':
      return `Columns and types from ${use.file} (found beside the manifest)`;
    case 'not-found':
      return `No catalog.json beside the manifest (${use.file}): ${yamlOnly}; \`dbt docs generate\` writes one with every column and its type`;
    case 'skipped':
      return `catalog.json not read (--no-catalog): ${yamlOnly}`;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, (performance.now() - started) / 1000];
}

export function registerImportCommands(program: Command): void {
  const importCommand = program
    .command('import')
    .description('import a catalog or the people directory (all-or-nothing, idempotent)');

  importCommand
    .command('dbt')
    .argument('<manifest>', 'path to a dbt manifest.json (schema v10 to v12)')
    .option(
      '--catalog <file>',
      'catalog.json from `dbt docs generate` (default: catalog.json beside the manifest)',
    )
    .option('--no-catalog', 'read no catalog.json: only the columns documented in YAML')
    .description('import models, sources, seeds, snapshots, semantic models, metrics and glossary docs')
    .action((manifest: string, options: { catalog?: string | false }) =>
      withDatabase(async ({ prisma }) => {
        const [{ importDbtManifest }, { progressReporter }] = await Promise.all([
          import('../../catalog/import/import-dbt-manifest.ts'),
          import('../progress.ts'),
        ]);
        const progress = progressReporter();
        try {
          const [summary, seconds] = await timed(() =>
            importDbtManifest(prisma, manifest, { catalog: options.catalog, onProgress: progress.report }),
          );
          progress.stop();
          printCatalogSummary(summary, seconds, [describeCatalogJson(summary.catalogJson)]);
        } finally {
          progress.stop();
        }
      }),
    );

  importCommand
    .command('postgres')
    .argument('<url>', 'postgresql:// URL of the database to introspect')
    .option('--schema <schema...>', 'only these schemas (default: all user schemas)')
    .option('--source <name>', 'catalog source name (default: the database name)')
    .description('import tables, views, columns, comments, primary and foreign keys of a live database')
    .action((url: string, options: { schema?: string[]; source?: string }) =>
      withDatabase(async ({ prisma }) => {
        const [{ importPostgresCatalog }, { progressReporter }] = await Promise.all([
          import('../../catalog/import/import-postgres-catalog.ts'),
          import('../progress.ts'),
        ]);
        const progress = progressReporter();
        try {
          const [summary, seconds] = await timed(() =>
            importPostgresCatalog(prisma, url, {
              schemas: options.schema,
              sourceName: options.source,
              onProgress: progress.report,
            }),
          );
          progress.stop();
          printCatalogSummary(summary, seconds);
        } finally {
          progress.stop();
        }
      }),
    );

  importCommand
    .command('people')
    .argument('<file>', 'people.json (an array) or people.csv (one person per row)')
    .description('load humans with their attributes; people no longer listed are deactivated')
    .action((file: string) =>
      withDatabase(async ({ prisma }) => {
        const [{ applyPeople }, { parsePeopleFile }] = await Promise.all([
          import('../../people/import/apply-people.ts'),
          import('../../people/import/parse-people-file.ts'),
        ]);
        const [summary, seconds] = await timed(async () =>
          applyPeople(prisma, file, await parsePeopleFile(file)),
        );
        console.log(`Imported ${summary.input} in ${seconds.toFixed(1)} s (removed = deactivated)`);
        console.log(formatChangeTable([['people', summary.people]]));
      }),
    );
}
