import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectPath } from '../../shared/project-paths.ts';

export const defaultMigrationsDir = projectPath('prisma', 'migrations');

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 of migration.sql, as Prisma computes it, so `prisma migrate status` agrees. */
  checksum: string;
}

/** The committed migrations, oldest first (folder names start with a timestamp). */
export async function readMigrationFiles(dir = defaultMigrationsDir): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}
