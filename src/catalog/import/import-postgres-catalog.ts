import type { PrismaClient } from '../../db/open-database.ts';
import { type ApplyOptions, applyCatalogSnapshot, type ImportSummary } from './apply-catalog-snapshot.ts';
import { type IntrospectOptions, introspectPostgres } from './postgres/introspect-postgres.ts';

/** `aperture import postgres <url>`: introspect a live database and apply it in one transaction. */
export async function importPostgresCatalog(
  prisma: PrismaClient,
  url: string,
  options: ApplyOptions & IntrospectOptions = {},
): Promise<ImportSummary> {
  options.onProgress?.({ phase: 'introspecting', done: 0, total: 1 });
  const snapshot = await introspectPostgres(url, options);
  return applyCatalogSnapshot(prisma, snapshot, options);
}
