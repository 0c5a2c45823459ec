import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';

/** Where tests create their databases; CI and the README use the same default. */
export const adminUrl =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const silentLogger = pino({ level: 'silent' });

export interface TestDatabase extends Database {
  url: string;
  name: string;
  /** Closes the connections and drops the database. */
  dispose(): Promise<void>;
}

/** Creates an empty PostgreSQL database with a unique name; `dispose` drops it. */
export async function createEmptyPostgresDatabase(
  prefix = 'aperture_test',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

/** A fresh, migrated PostgreSQL database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const created = await createEmptyPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: created.url, poolSize: 5 });
  await applyMigrations(database.sql, silentLogger);
  return {
    ...database,
    url: created.url,
    name: created.name,
    async dispose() {
      await database.close();
      await created.drop();
    },
  };
}

/** A fresh, migrated in-memory embedded database (PGlite). */
export async function createEmbeddedTestDatabase(): Promise<Database & { dispose(): Promise<void> }> {
  const database = await openDatabase({ kind: 'embedded', dataDir: 'memory://' });
  await applyMigrations(database.sql, silentLogger);
  return { ...database, dispose: () => database.close() };
}

async function withAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
