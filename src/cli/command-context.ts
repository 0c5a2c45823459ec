import type { Services } from '../app/create-services.ts';
import { inChannel } from '../audit/channel.ts';
import { type Config, loadConfig } from '../config/config.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../logging/logger.ts';

/** Commands other than `start` log only warnings unless LOG_LEVEL says otherwise. */
export function commandConfig(): Config {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  return config;
}

/** Where a command's log lines go: stdout by default; stderr when stdout carries a protocol (`mcp`). */
export interface CommandOptions {
  config?: Config;
  logTo?: 'stdout' | 'stderr';
}

export async function commandLogger(config: Config, logTo: 'stdout' | 'stderr'): Promise<Logger> {
  const { createLogger } = await import('../logging/logger.ts');
  if (logTo === 'stdout') return createLogger(config.log);
  const { pino } = await import('pino');
  if (config.log.format === 'json') return createLogger(config.log, pino.destination({ fd: 2, sync: true }));
  const { default: pretty } = await import('pino-pretty');
  return createLogger(
    config.log,
    pretty({
      destination: 2,
      colorize: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
      singleLine: true,
      ignore: 'pid,hostname,service',
      translateTime: 'SYS:HH:MM:ss.l',
    }),
  );
}

/**
 * Runs a command against the configured database. The embedded database is always migrated
 * first; PostgreSQL only when APERTURE_MIGRATE_ON_START is set (use `aperture migrate`). The
 * database drivers, Prisma and the logger load here, when a command needs them, not when the
 * command line is read.
 */
export async function withDatabase<T>(
  work: (database: Database, logger: Logger, config: Config) => Promise<T>,
  options: CommandOptions = {},
): Promise<T> {
  const config = options.config ?? commandConfig();
  const [{ openDatabase }, { applyMigrations }, { databaseFromTemplate }] = await Promise.all([
    import('../db/open-database.ts'),
    import('../db/migrations/apply-migrations.ts'),
    import('../app/embedded-template.ts'),
  ]);
  const logger = await commandLogger(config, options.logTo ?? 'stdout');
  const database = await openDatabase(config.database, logger, {
    newDatabase: databaseFromTemplate({ demo: false }, logger),
  });
  try {
    if (config.migrateOnStart) await applyMigrations(database.sql, logger);
    // What a command audits names the command line (`aperture mcp` names MCP per tool call).
    return await inChannel({ name: 'cli', client: null }, () => work(database, logger, config));
  } finally {
    await database.close();
  }
}

/**
 * Runs a command that calls the domain modules: they come from the composition root, built on
 * the command's database as the service builds them. Background work (jobs, Slack, the audit
 * log's rounds) is not started: what a command schedules, the running service does.
 */
export function withServices<T>(
  work: (services: Services) => Promise<T>,
  options: CommandOptions = {},
): Promise<T> {
  return withDatabase(async (database, logger, config) => {
    const { createServices } = await import('../app/create-services.ts');
    const services = await createServices(config, logger, { database });
    try {
      return await work(services);
    } finally {
      await services.close();
    }
  }, options);
}
