import type { Services } from '../app/create-services.ts';
import { type Config, loadConfig } from '../config/config.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';

/** Commands other than `start` log only warnings unless LOG_LEVEL says otherwise. */
export function commandConfig(): Config {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  return config;
}

/**
 * Runs a command against the configured database. The embedded database is always migrated
 * first; PostgreSQL only when APERTURE_MIGRATE_ON_START is set (use `aperture migrate`). The
 * database drivers, Prisma and the logger load here, when a command needs them, not when the
 * command line is read.
 */
export async function withDatabase<T>(work: (database: Database, logger: Logger) => Promise<T>): Promise<T> {
  const config = commandConfig();
  const [{ createLogger }, { openDatabase }, { applyMigrations }, { databaseFromTemplate }] =
    await Promise.all([
      import('../logging/logger.ts'),
      import('../db/open-database.ts'),
      import('../db/migrations/apply-migrations.ts'),
      import('../app/embedded-template.ts'),
    ]);
  const logger = createLogger(config.log);
  const database = await openDatabase(config.database, logger, {
    newDatabase: databaseFromTemplate({ demo: false }, logger),
  });
  try {
    if (config.migrateOnStart) await applyMigrations(database.sql, logger);
    return await work(database, logger);
  } finally {
    await database.close();
  }
}

/**
 * Runs a command that calls the domain modules: they come from the composition root, built on
 * the command's database as the service builds them. Background work (jobs, Slack, the audit
 * log's rounds) is not started: what a command schedules, the running service does.
 */
export function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  return withDatabase(async (database, logger) => {
    const { createServices } = await import('../app/create-services.ts');
    const services = await createServices(commandConfig(), logger, { database });
    try {
      return await work(services);
    } finally {
      await services.close();
    }
  });
}
