import { StoredCatalogReader } from '../../catalog/read/catalog-reader.ts';
import { loadCatalogRows } from '../../catalog/read/catalog-rows.ts';
import { DatasetColumns } from '../../catalog/read/dataset-columns.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import { buildCatalogIndex, type CatalogIndex, loadColumnFacts } from './catalog-index.ts';

/** One catalog version as the service holds it: the index decisions read, and the rows readers hand out. */
export interface LoadedCatalog {
  index: CatalogIndex;
  stored: StoredCatalogReader;
}

export async function loadCatalog(prisma: PrismaClient): Promise<LoadedCatalog> {
  const [rows, columns] = await Promise.all([loadCatalogRows(prisma), loadColumnFacts(prisma)]);
  const index = buildCatalogIndex(rows, columns);
  // Searches scan until the text index of a large catalog is built, without holding up requests.
  if (!index.textIndex.indexed) void index.textIndex.indexInSlices();
  const datasetOfColumn = (columnId: string) => {
    const column = index.byId.get(columnId);
    return column?.datasetPath ? index.byPath.get(column.datasetPath)?.id : undefined;
  };
  return { index, stored: new StoredCatalogReader(rows, new DatasetColumns(prisma), datasetOfColumn) };
}
