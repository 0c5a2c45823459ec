import type { PrismaClient } from '../../db/open-database.ts';
import { type ApplyOptions, applyCatalogSnapshot, type ImportSummary } from './apply-catalog-snapshot.ts';
import { manifestToSnapshot } from './dbt/manifest-to-snapshot.ts';
import { readManifestFile } from './dbt/read-manifest.ts';

/** `aperture import dbt <manifest.json>`: read, validate, convert and apply in one transaction. */
export async function importDbtManifest(
  prisma: PrismaClient,
  file: string,
  options: ApplyOptions = {},
): Promise<ImportSummary> {
  options.onProgress?.({ phase: 'reading manifest', done: 0, total: 1 });
  const snapshot = manifestToSnapshot(await readManifestFile(file));
  return applyCatalogSnapshot(prisma, snapshot, options);
}
