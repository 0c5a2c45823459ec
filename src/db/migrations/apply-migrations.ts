import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/logger.ts';
import { migrationLockKey } from '../locks/lock-names.ts';
import type { SqlExecutor } from '../sql-executor.ts';
import { type MigrationFile, readMigrationFiles } from './migration-files.ts';

const createHistoryTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export class MigrationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies the committed migrations that the database has not seen, each in its own transaction,
 * and records them in `_prisma_migrations` exactly as Prisma Migrate does. Several replicas may
 * call this at once: a session advisory lock lets one migrate while the others wait.
 */
export async function applyMigrations(
  db: SqlExecutor,
  logger: Logger,
  migrations?: MigrationFile[],
): Promise<MigrationResult> {
  const files = migrations ?? (await readMigrationFiles());
  return db.withConnection(async (connection) => {
    await connection.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    try {
      await connection.exec(createHistoryTable);
      const rows = await connection.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      );
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      const result: MigrationResult = { applied: [], alreadyApplied: 0 };
      for (const migration of files) {
        const previous = applied.get(migration.name);
        if (previous) {
          if (!previous.finished_at) {
            throw new MigrationError(
              `Migration ${migration.name} was started but never finished; resolve it by hand before continuing.`,
            );
          }
          if (previous.checksum !== migration.checksum) {
            throw new MigrationError(
              `Migration ${migration.name} was changed after it was applied (checksum mismatch). Never edit an applied migration: create a new one.`,
            );
          }
          result.alreadyApplied += 1;
          continue;
        }
        await applyOne(connection, migration);
        logger.info({ migration: migration.name }, 'applied migration');
        result.applied.push(migration.name);
      }
      const known = new Set(files.map((file) => file.name));
      for (const name of applied.keys()) {
        if (!known.has(name))
          logger.warn({ migration: name }, 'database has a migration that is not in this build');
      }
      return result;
    } finally {
      await connection.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]);
    }
  });
}

async function applyOne(connection: SqlExecutor, migration: MigrationFile): Promise<void> {
  try {
    await connection.transaction(async (tx) => {
      await tx.exec(migration.sql);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), now(), 1)`,
        [randomUUID(), migration.checksum, migration.name],
      );
    });
  } catch (error) {
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${describe(error)}`, {
      cause: error,
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
