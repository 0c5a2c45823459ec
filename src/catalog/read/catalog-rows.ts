import type { PrismaClient } from '../../db/open-database.ts';
import type {
  CatalogSchema,
  Dataset,
  Dimension,
  Domain,
  GlossaryTerm,
  JoinPath,
  Metric,
  Source,
} from './catalog-reader.ts';

/** What a metric reads directly and is computed from, by id. */
export interface MetricDependencyIds {
  datasetIds: string[];
  columnIds: string[];
  metricIds: string[];
}

/**
 * Every stored catalog row a reader hands out, except columns (see DatasetColumns), held in
 * memory for one catalog version: loaded once after each import, so a query hydrates nothing
 * from the database. Lists are in the order readers return them.
 */
export interface CatalogRows {
  datasets: Map<string, Dataset>;
  metrics: Map<string, Metric>;
  glossary: Map<string, GlossaryTerm>;
  /** By name. */
  domains: Domain[];
  domainsById: Map<string, Domain>;
  /** By name. */
  sources: Source[];
  /** By source id, each by name. */
  schemasBySource: Map<string, CatalogSchema[]>;
  /** By dataset id, each by name. */
  dimensionsByDataset: Map<string, Dimension[]>;
  /** By dataset id at either end, each by key. */
  joinPathsByDataset: Map<string, JoinPath[]>;
  /** By metric id. */
  dependencies: Map<string, MetricDependencyIds>;
}

export async function loadCatalogRows(prisma: PrismaClient): Promise<CatalogRows> {
  const [
    datasets,
    metrics,
    glossary,
    domains,
    sources,
    schemas,
    dimensions,
    joinPaths,
    datasetDeps,
    columnDeps,
    inputDeps,
  ] = await Promise.all([
    prisma.dataset.findMany({ orderBy: { path: 'asc' } }),
    prisma.metric.findMany({ orderBy: { name: 'asc' } }),
    prisma.glossaryTerm.findMany({ orderBy: { name: 'asc' } }),
    prisma.domain.findMany({ orderBy: { name: 'asc' } }),
    prisma.source.findMany({ orderBy: { name: 'asc' } }),
    prisma.catalogSchema.findMany({ orderBy: { name: 'asc' } }),
    prisma.dimension.findMany({ orderBy: { name: 'asc' } }),
    prisma.joinPath.findMany({ orderBy: { key: 'asc' } }),
    prisma.metricDatasetDependency.findMany(),
    prisma.metricColumnDependency.findMany(),
    prisma.metricInputDependency.findMany(),
  ]);
  const dependencies = new Map<string, MetricDependencyIds>();
  const dependenciesOf = (metricId: string) => {
    let ids = dependencies.get(metricId);
    if (!ids) {
      ids = { datasetIds: [], columnIds: [], metricIds: [] };
      dependencies.set(metricId, ids);
    }
    return ids;
  };
  for (const dep of datasetDeps) dependenciesOf(dep.metricId).datasetIds.push(dep.datasetId);
  for (const dep of columnDeps) dependenciesOf(dep.metricId).columnIds.push(dep.columnId);
  for (const dep of inputDeps) dependenciesOf(dep.metricId).metricIds.push(dep.inputMetricId);
  return {
    datasets: new Map(datasets.map((row) => [row.id, row])),
    metrics: new Map(metrics.map((row) => [row.id, row])),
    glossary: new Map(glossary.map((row) => [row.id, row])),
    domains,
    domainsById: new Map(domains.map((row) => [row.id, row])),
    sources,
    schemasBySource: groupBy(schemas, (schema) => [schema.sourceId]),
    dimensionsByDataset: groupBy(dimensions, (dimension) => [dimension.datasetId]),
    joinPathsByDataset: groupBy(joinPaths, (join) => [join.fromDatasetId, join.toDatasetId]),
    dependencies,
  };
}

/** Rows under each key they belong to (a join path belongs to both of its datasets), in list order. */
function groupBy<T>(rows: T[], keysOf: (row: T) => string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    for (const key of new Set(keysOf(row))) {
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
  }
  return groups;
}
