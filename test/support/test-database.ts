import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { readMigrationFiles } from '../../src/db/migrations/migration-files.ts';
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
  return { url: databaseUrl(name), name, drop: () => dropDatabase(name) };
}

/**
 * A fresh, migrated PostgreSQL database for one test file: a copy of the migrated template (see
 * `migratedTemplate`), a fifth of the time of migrating an empty one.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await migratedTemplate();
  const name = `aperture_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  const url = databaseUrl(name);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  return {
    ...database,
    url,
    name,
    async dispose() {
      await database.close();
      await dropDatabase(name);
    },
  };
}

let template: Promise<string> | undefined;

/**
 * The name of a database holding every committed migration and nothing else, which test databases
 * are copied from. Named by the migrations it holds, so an edited or added migration makes a new
 * one; made once per machine and migration set (built under a name of its own, then renamed: runs
 * side by side never copy a half-migrated one). Nobody connects to it once it is made, which
 * PostgreSQL requires of a template.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const migrations = await readMigrationFiles();
    const fingerprint = createHash('sha256');
    for (const migration of migrations) fingerprint.update(`${migration.name}\0${migration.checksum}\0`);
    const name = `aperture_test_template_${fingerprint.digest('hex').slice(0, 16)}`;
    if (await databaseExists(name)) return name;
    const building = await createEmptyPostgresDatabase('aperture_test_template_building');
    const database = await openDatabase({ kind: 'postgres', url: building.url, poolSize: 1 });
    try {
      await applyMigrations(database.sql, silentLogger, migrations);
    } finally {
      await database.close();
    }
    try {
      await withAdmin((admin) => admin.query(`ALTER DATABASE "${building.name}" RENAME TO "${name}"`));
    } catch (error) {
      // Another run made it meanwhile: use theirs.
      await building.drop();
      if ((error as { code?: string }).code !== duplicateDatabase) throw error;
    }
    return name;
  })();
  template.catch(() => {
    template = undefined;
  });
  return template;
}

const duplicateDatabase = '42P04';

async function databaseExists(name: string): Promise<boolean> {
  const { rowCount } = await withAdmin((admin) =>
    admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]),
  );
  return rowCount === 1;
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function dropDatabase(name: string): Promise<void> {
  return withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {});
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
