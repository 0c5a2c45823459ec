import type { Config } from '../config/config.ts';
import { applyMigrations } from '../db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../db/open-database.ts';
import { type Logger, redactUrl } from '../logging/logger.ts';
import { loadDemoCompanyIfEmpty } from '../seeds/demo-seed.ts';

/** Opens the configured database and, as configured, migrates it and loads the demo company. */
export async function prepareDatabase(config: Config, logger: Logger): Promise<Database> {
  const { database: target } = config;
  logger.info(
    target.kind === 'postgres'
      ? { database: 'postgres', url: redactUrl(target.url) }
      : { database: 'embedded', dataDir: target.dataDir },
    'opening database',
  );
  const database = await openDatabase(target, logger);
  try {
    if (config.migrateOnStart) {
      const result = await applyMigrations(database.sql, logger);
      logger.info(
        { applied: result.applied.length, alreadyApplied: result.alreadyApplied },
        'migrations checked',
      );
    }
    if (config.seedDemo && (await loadDemoCompanyIfEmpty(database.prisma))) {
      logger.info(
        'loaded the demo company (seeds/demo-manifest.json, seeds/people.json, seeds/policies.yaml)',
      );
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
