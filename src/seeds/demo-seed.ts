import { fileURLToPath } from 'node:url';
import { importDbtManifest } from '../catalog/import/import-dbt-manifest.ts';
import type { PrismaClient } from '../db/open-database.ts';
import { applyPeople } from '../people/import/apply-people.ts';
import { parsePeopleFile } from '../people/import/parse-people-file.ts';

export const demoManifestPath = fileURLToPath(new URL('../../seeds/demo-manifest.json', import.meta.url));
export const demoPeoplePath = fileURLToPath(new URL('../../seeds/people.json', import.meta.url));

/**
 * Loads the demo company through the same importers users run, when the database holds no
 * catalog and no people yet. Returns whether it loaded anything.
 */
export async function loadDemoCompanyIfEmpty(prisma: PrismaClient): Promise<boolean> {
  const [datasets, people] = await Promise.all([prisma.dataset.count(), prisma.person.count()]);
  if (datasets > 0 || people > 0) return false;
  await applyPeople(prisma, demoPeoplePath, await parsePeopleFile(demoPeoplePath));
  await importDbtManifest(prisma, demoManifestPath);
  return true;
}
