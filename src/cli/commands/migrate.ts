import type { Command } from 'commander';
import { commandConfig } from '../command-context.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending migrations to the configured database (DATABASE_URL, or the embedded one)')
    .action(async () => {
      const [{ applyMigrations }, { openDatabase }, { createLogger }] = await Promise.all([
        import('../../db/migrations/apply-migrations.ts'),
        import('../../db/open-database.ts'),
        import('../../logging/logger.ts'),
      ]);
      const config = commandConfig();
      const logger = createLogger(config.log);
      const database = await openDatabase(config.database, logger);
      try {
        const result = await applyMigrations(database.sql, logger);
        console.log(
          result.applied.length === 0
            ? `Database is up to date (${result.alreadyApplied} migrations).`
            : `Applied ${result.applied.length} migration(s): ${result.applied.join(', ')}`,
        );
      } finally {
        await database.close();
      }
    });
}
