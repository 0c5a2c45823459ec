import type { PrismaClient } from '../../db/open-database.ts';
import type { CatalogSnapshot } from '../catalog-snapshot.ts';
import { type ApplyOptions, applyCatalogSnapshot, type ImportSummary } from './apply-catalog-snapshot.ts';
import { manifestToSnapshot } from './dbt/manifest-to-snapshot.ts';
import { type CatalogJsonUse, readCatalogFor } from './dbt/read-catalog.ts';
import { readManifestFile } from './dbt/read-manifest.ts';

export interface DbtImportOptions extends ApplyOptions {
  /** catalog.json to read; false: none; absent: `catalog.json` beside the manifest, if there is one. */
  catalog?: string | false | undefined;
}

export interface DbtImportSummary extends ImportSummary {
  catalogJson: CatalogJsonUse;
}

/**
 * `aperture import dbt <manifest.json> [--catalog catalog.json]`: read and validate both files,
 * convert, and apply in one transaction. A bad catalog.json is refused like a bad manifest.
 */
export async function importDbtManifest(
  prisma: PrismaClient,
  file: string,
  options: DbtImportOptions = {},
): Promise<DbtImportSummary> {
  options.onProgress?.({ phase: 'reading manifest', done: 0, total: 1 });
  const { snapshot, catalogJson } = await readDbtTarget(file, options.catalog);
  return { ...(await applyCatalogSnapshot(prisma, snapshot, options)), catalogJson };
}

/** Its own function so that the parsed files can be collected before the (long) write begins. */
async function readDbtTarget(
  file: string,
  catalogChoice: string | false | undefined,
): Promise<{ snapshot: CatalogSnapshot; catalogJson: CatalogJsonUse }> {
  const manifest = await readManifestFile(file);
  const catalog = await readCatalogFor(file, catalogChoice);
  return { snapshot: manifestToSnapshot(manifest, catalog.parsed), catalogJson: catalog.use };
}
