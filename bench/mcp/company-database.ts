import path from 'node:path';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createTestDatabase, silentLogger } from '../../test/support/test-database.ts';
import { type CompanySize, importCompany } from '../company/large-company.ts';

/** The company imported into a fresh database, and the environment a service needs to open it. */
export interface CompanyDatabase {
  env: Record<string, string>;
  importSeconds: number;
  dispose(): Promise<void>;
}

/**
 * On PostgreSQL, a fresh test database; embedded, a data folder under `scratch` that this process
 * fills and closes again, since one process owns an embedded database (the service's).
 */
export async function companyDatabase(
  kind: 'postgres' | 'embedded',
  size: CompanySize,
  files: { manifest: string; people: string },
  scratch: string,
): Promise<CompanyDatabase> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  if (kind === 'postgres') {
    const database = await createTestDatabase();
    await importCompany(database.prisma, files, size);
    return {
      env: { DATABASE_URL: database.url },
      importSeconds: seconds(),
      dispose: () => database.dispose(),
    };
  }
  const dataDir = path.join(scratch, 'data');
  const embedded = await openDatabase({ kind: 'embedded', dataDir });
  try {
    await applyMigrations(embedded.sql, silentLogger);
    await importCompany(embedded.prisma, files, size);
  } finally {
    await embedded.close();
  }
  return { env: { APERTURE_DATA_DIR: dataDir }, importSeconds: seconds(), dispose: async () => {} };
}
