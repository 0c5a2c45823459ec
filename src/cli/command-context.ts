import { type Config, loadConfig } from '../config/config.ts';
import { applyMigrations } from '../db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../db/open-database.ts';
import { createLogger, type Logger } from '../logging/logger.ts';

/** Commands other than `start` log only warnings unless LOG_LEVEL says otherwise. */
export function commandConfig(): Config {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  return config;
}

/**
 * Runs a command against the configured database. The embedded database is always migrated
 * first; PostgreSQL only when APERTURE_MIGRATE_ON_START is set (use `aperture migrate`).
 */
export async function withDatabase<T>(work: (database: Database, logger: Logger) => Promise<T>): Promise<T> {
  const config = commandConfig();
  const logger = createLogger(config);
  const database = await openDatabase(config.database, logger);
  try {
    if (config.migrateOnStart) await applyMigrations(database.sql, logger);
    return await work(database, logger);
  } finally {
    await database.close();
  }
}
