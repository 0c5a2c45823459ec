import type { Config } from '../config/config.ts';
import { applyMigrations } from '../db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../db/open-database.ts';
import { type Logger, redactUrl } from '../logging/logger.ts';
import { loadDemoCompanyIfEmpty } from '../seeds/demo-seed.ts';
import { databaseFromTemplate } from './embedded-template.ts';

/**
 * Opens the configured database and, as configured, migrates it and loads the demo company. A new
 * embedded data folder starts from the prepared template (migrated, demo loaded): the steps below
 * then find nothing to do.
 */
export async function prepareDatabase(config: Config, logger: Logger): Promise<Database> {
  const { database: target } = config;
  logger.info(
    target.kind === 'postgres'
      ? { database: 'postgres', url: redactUrl(target.url) }
      : { database: 'embedded', dataDir: target.dataDir },
    'opening database',
  );
  const copyTemplate = databaseFromTemplate({ demo: config.seedDemo }, logger);
  let demoFromTemplate = false;
  const database = await openDatabase(target, logger, {
    newDatabase: (pgdata) => {
      demoFromTemplate = config.seedDemo;
      return copyTemplate(pgdata);
    },
  });
  try {
    if (config.migrateOnStart) {
      const result = await applyMigrations(database.sql, logger);
      logger.info(
        { applied: result.applied.length, alreadyApplied: result.alreadyApplied },
        'migrations checked',
      );
    }
    if (config.seedDemo && ((await loadDemoCompanyIfEmpty(database.prisma)) || demoFromTemplate)) {
      logger.info(
        'loaded the demo company (seeds/demo-manifest.json, seeds/people.json, seeds/policies.yaml, seeds/rules.yaml)',
      );
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
