import type { Command } from 'commander';
import type { SourceConnection } from '../../vending/source-connections.ts';
import { commandConfig, withDatabase } from '../command-context.ts';

export function registerSourceCommands(program: Command): void {
  const sources = program
    .command('sources')
    .description('the data sources registered for role vending (APERTURE_SOURCE_CONNECTIONS)');

  sources
    .command('list')
    .description('the registered sources: where agents connect, role prefix and managed schema')
    .action(() => {
      const registered = [...commandConfig().vending.sources.values()];
      if (registered.length === 0) {
        console.log('No source is registered for role vending (set APERTURE_SOURCE_CONNECTIONS).');
        return;
      }
      // Never the admin URL: it holds a password.
      for (const source of registered) {
        console.log(
          `${source.source}  ${source.host}:${source.port}/${source.database}  roles ${source.rolePrefix}_*  schema ${source.schema}`,
        );
      }
    });

  sources
    .command('check')
    .argument('<source>', 'a registered catalog source')
    .description(
      'check the admin role has what role vending needs; prints the SQL that fixes what is missing (exit code 1)',
    )
    .action(async (name: string) => {
      const config = commandConfig();
      const connection = await registeredSource(config.vending.sources, name);
      const report = await withDatabase(
        async ({ prisma }) => {
          const [{ catalogRelations }, { checkSource }] = await Promise.all([
            import('../../vending/postgres/source-check-relations.ts'),
            import('../../vending/postgres/source-check.ts'),
          ]);
          return checkSource(connection, await catalogRelations(prisma, name));
        },
        { config },
      );
      const { formatSourceCheck } = await import('../../vending/postgres/source-check-format.ts');
      for (const line of formatSourceCheck(report)) console.log(line);
      if (report.missing > 0) process.exitCode = 1;
    });
}

async function registeredSource(
  sources: ReadonlyMap<string, SourceConnection>,
  name: string,
): Promise<SourceConnection> {
  const connection = sources.get(name);
  if (connection) return connection;
  const { ApertureError } = await import('../../shared/errors.ts');
  const known = [...sources.keys()].sort();
  throw new ApertureError(
    'NOT_FOUND',
    known.length === 0
      ? `source ${name} is not registered: no source is (set APERTURE_SOURCE_CONNECTIONS)`
      : `source ${name} is not registered: the registered sources are ${known.join(', ')} (APERTURE_SOURCE_CONNECTIONS)`,
  );
}
