import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationError } from '../../src/db/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../src/db/migrations/migration-files.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import { createEmptyPostgresDatabase, silentLogger } from '../support/test-database.ts';

let created: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
let db: Database;
beforeAll(async () => {
  created = await createEmptyPostgresDatabase();
  db = await openDatabase({ kind: 'postgres', url: created.url, poolSize: 6 });
});
afterAll(async () => {
  await db.close();
  await created.drop();
});

describe('migration runner', () => {
  it('applies every committed migration once, even when replicas start together', async () => {
    const files = await readMigrationFiles();
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(db.sql, silentLogger)));
    expect(results.map((result) => result.applied.length).sort()).toEqual([0, 0, files.length]);
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((row) => [row.migration_name, row.checksum])).toEqual(
      files.map((file) => [file.name, file.checksum]),
    );
    expect(rows.every((row) => row.finished_at !== null)).toBe(true);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const files = await readMigrationFiles();
    const edited = files.map((file, index) => (index === 0 ? { ...file, checksum: 'x'.repeat(64) } : file));
    await expect(applyMigrations(db.sql, silentLogger, edited)).rejects.toThrow(MigrationError);
  });

  it('rolls back a failing migration completely and does not record it', async () => {
    const files = await readMigrationFiles();
    const broken = {
      name: '99990101000000_broken',
      checksum: 'b'.repeat(64),
      sql: 'CREATE TABLE "Half" (id int); SELECT no_such_function();',
    };
    await expect(applyMigrations(db.sql, silentLogger, [...files, broken])).rejects.toThrow(
      /99990101000000_broken failed and was rolled back/,
    );
    const [half] = await db.sql.query<{ exists: boolean }>(
      `SELECT to_regclass('"Half"') IS NOT NULL AS exists`,
    );
    expect(half?.exists).toBe(false);
    const recorded = await db.sql.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [
      broken.name,
    ]);
    expect(recorded).toEqual([]);
  });
});
