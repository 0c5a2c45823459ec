import DataLoader from 'dataloader';
import type {
  CatalogSchema,
  Column,
  Dataset,
  Dimension,
  Domain,
  GlossaryTerm,
  JoinPath,
  Metric,
  Source,
} from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';

export type { CatalogSchema, Column, Dataset, Dimension, Domain, GlossaryTerm, JoinPath, Metric, Source };

/**
 * A glossary term as a viewer may see it: from DISCOVER its name, short description (`summary`),
 * owner, tags, sensitivity and domain; the full definition only at READ (null below).
 */
export type ShownGlossaryTerm = Omit<GlossaryTerm, 'definition'> & {
  summary: string;
  definition: string | null;
};

/** The metrics and columns a glossary term is about, as far as the viewer may see them. */
export interface GlossaryRelated {
  metrics: Metric[];
  columns: Column[];
}

/** A page request in cursor terms (what Relay connections need). Cursors are paths or names. */
export interface CursorPage {
  after?: string | undefined;
  before?: string | undefined;
  limit: number;
  /** True when paging backwards (`last`): return the items before `before`, closest first. */
  inverted: boolean;
}

export interface DatasetFilter {
  domain?: string;
  tag?: string;
  source?: string;
  /** Case-insensitive match on name, path or description. */
  search?: string;
}

export interface SearchFilter {
  kinds?: ('dataset' | 'column' | 'metric' | 'glossary')[];
  tags?: string[];
  domains?: string[];
  sources?: string[];
}

export type SearchHit =
  | { kind: 'dataset'; row: Dataset }
  | { kind: 'column'; row: Column }
  | { kind: 'metric'; row: Metric }
  | { kind: 'glossary'; row: ShownGlossaryTerm };

export interface MetricFilter {
  domain?: string;
  tag?: string;
  search?: string;
}

/** What a metric reads directly, and the metrics it is computed from. */
export interface MetricDependencies {
  datasets: Dataset[];
  columns: Column[];
  metrics: Metric[];
}

/** The tier an object is shown at, with the column mask or dataset row filter that applies. */
export interface ObjectAccess {
  tier: 'DISCOVER' | 'READ';
  mask: {
    method: string;
    keepLast?: number | undefined;
    expression?: string | undefined;
    policyId: string;
  } | null;
  rowFilter: string | null;
}

/** See policy/slice: the decision's reasons for one object, as explainAccess returns them. */
export interface AccessExplanationShape extends ObjectAccess {
  path: string;
  kind: string;
  policyVersion: number;
  allowedBy: string[];
  deniedBy: string[];
  cappedBy: string[];
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

/**
 * What GraphQL may read of the catalog for one request: only the viewer's slice (implemented by
 * SliceCatalogReader). Resolvers never read through Prisma.
 */
export interface CatalogReader {
  domains(): Promise<Domain[]>;
  sources(): Promise<Source[]>;
  schemasOf(sourceId: string): Promise<CatalogSchema[]>;
  dataset(path: string): Promise<Dataset | null>;
  datasetById(id: string): Promise<Dataset | null>;
  datasets(page: CursorPage, filter: DatasetFilter): Promise<Page<Dataset>>;
  columnsOf(datasetId: string): Promise<Column[]>;
  dimensionsOf(datasetId: string): Promise<Dimension[]>;
  joinPathsOf(datasetId: string): Promise<JoinPath[]>;
  domainById(id: string): Promise<Domain | null>;
  metric(name: string): Promise<Metric | null>;
  metrics(page: CursorPage, filter: MetricFilter): Promise<Page<Metric>>;
  metricDependencies(metricId: string): Promise<MetricDependencies>;

  glossaryTerm(name: string): Promise<ShownGlossaryTerm | null>;
  glossaryTerms(page: CursorPage, search?: string): Promise<Page<ShownGlossaryTerm>>;
  /** READ only (empty below): the metrics the viewer may discover and the columns it sees. */
  glossaryRelated(termId: string): Promise<GlossaryRelated>;
  /** What the viewer may know of an object it was handed by this reader. */
  access(objectId: string): ObjectAccess;
  /** The policy version this request is decided under. */
  readonly policyVersion: number;
  /** Ids of every catalog object handed out so far in this request (sorted). */
  handedOut(): string[];
  /** Why the viewer sees an object as it does; null unless it may at least discover it. */
  explain(path: string): AccessExplanationShape | null;
  /** Datasets, columns, metrics and glossary terms matching `query`, best matches first. */
  search(query: string, filter: SearchFilter, offset: number, limit: number): Promise<Page<SearchHit>>;
}

/**
 * The stored catalog, unfiltered and batched per request. It decides nothing: GraphQL reads
 * through the viewer's SliceCatalogReader (src/policy/slice), which uses this to load rows.
 */
export class StoredCatalogReader {
  // One loader per kind of lookup, batched per request: a page of 200 datasets costs one query per field.
  private readonly datasetLoader: DataLoader<string, Dataset | null>;
  private readonly domainLoader: DataLoader<string, Domain | null>;
  private readonly columnsLoader: DataLoader<string, Column[]>;
  private readonly dimensionsLoader: DataLoader<string, Dimension[]>;
  private readonly joinPathsLoader: DataLoader<string, JoinPath[]>;
  private readonly dependenciesLoader: DataLoader<string, MetricDependencies>;
  private readonly metricLoader: DataLoader<string, Metric | null>;
  private readonly glossaryLoader: DataLoader<string, GlossaryTerm | null>;
  private readonly columnLoader: DataLoader<string, Column | null>;

  constructor(private readonly prisma: PrismaClient) {
    this.datasetLoader = new DataLoader(async (ids) =>
      byKey(ids, await prisma.dataset.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    );
    this.metricLoader = new DataLoader(async (ids) =>
      byKey(ids, await prisma.metric.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    );
    this.columnLoader = new DataLoader(async (ids) =>
      byKey(ids, await prisma.column.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    );
    this.glossaryLoader = new DataLoader(async (ids) =>
      byKey(ids, await prisma.glossaryTerm.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    );
    this.domainLoader = new DataLoader(async (ids) =>
      byKey(ids, await prisma.domain.findMany({ where: { id: { in: [...ids] } } }), (row) => row.id),
    );
    this.columnsLoader = new DataLoader(async (datasetIds) =>
      groupBy(
        datasetIds,
        await prisma.column.findMany({
          where: { datasetId: { in: [...datasetIds] } },
          orderBy: { position: 'asc' },
        }),
        (row) => [row.datasetId],
      ),
    );
    this.dimensionsLoader = new DataLoader(async (datasetIds) =>
      groupBy(
        datasetIds,
        await prisma.dimension.findMany({
          where: { datasetId: { in: [...datasetIds] } },
          orderBy: { name: 'asc' },
        }),
        (row) => [row.datasetId],
      ),
    );
    this.joinPathsLoader = new DataLoader(async (datasetIds) =>
      groupBy(
        datasetIds,
        await prisma.joinPath.findMany({
          where: {
            OR: [{ fromDatasetId: { in: [...datasetIds] } }, { toDatasetId: { in: [...datasetIds] } }],
          },
          orderBy: { key: 'asc' },
        }),
        (row) => [row.fromDatasetId, row.toDatasetId],
      ),
    );
    this.dependenciesLoader = new DataLoader(async (metricIds) => {
      const ids = [...metricIds];
      const [datasets, columns, inputs] = await Promise.all([
        prisma.metricDatasetDependency.findMany({
          where: { metricId: { in: ids } },
          include: { dataset: true },
        }),
        prisma.metricColumnDependency.findMany({
          where: { metricId: { in: ids } },
          include: { column: true },
        }),
        prisma.metricInputDependency.findMany({
          where: { metricId: { in: ids } },
          include: { inputMetric: true },
        }),
      ]);
      return ids.map((id) => ({
        datasets: datasets
          .filter((dep) => dep.metricId === id)
          .map((dep) => dep.dataset)
          .sort(byText((d) => d.path)),
        columns: columns
          .filter((dep) => dep.metricId === id)
          .map((dep) => dep.column)
          .sort(byText((c) => c.path)),
        metrics: inputs
          .filter((dep) => dep.metricId === id)
          .map((dep) => dep.inputMetric)
          .sort(byText((m) => m.name)),
      }));
    });
  }

  columnById(id: string) {
    return this.columnLoader.load(id);
  }

  metricById(id: string) {
    return this.metricLoader.load(id);
  }

  glossaryTermById(id: string) {
    return this.glossaryLoader.load(id);
  }

  domains() {
    return this.prisma.domain.findMany({ orderBy: { name: 'asc' } });
  }

  sources() {
    return this.prisma.source.findMany({ orderBy: { name: 'asc' } });
  }

  schemasOf(sourceId: string) {
    return this.prisma.catalogSchema.findMany({ where: { sourceId }, orderBy: { name: 'asc' } });
  }

  datasetById(id: string) {
    return this.datasetLoader.load(id);
  }

  columnsOf(datasetId: string) {
    return this.columnsLoader.load(datasetId);
  }

  dimensionsOf(datasetId: string) {
    return this.dimensionsLoader.load(datasetId);
  }

  joinPathsOf(datasetId: string) {
    return this.joinPathsLoader.load(datasetId);
  }

  domainById(id: string) {
    return this.domainLoader.load(id);
  }

  metricDependencies(metricId: string) {
    return this.dependenciesLoader.load(metricId);
  }
}

function byKey<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): (T | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

/** Rows grouped under each key they belong to (a join path belongs to both of its datasets). */
function groupBy<T>(keys: readonly string[], rows: T[], keysOf: (row: T) => string[]): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) for (const key of new Set(keysOf(row))) groups.get(key)?.push(row);
  return keys.map((key) => groups.get(key)!);
}

function byText<T>(text: (item: T) => string) {
  return (a: T, b: T) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
}
