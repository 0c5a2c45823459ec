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
  Prisma,
  Source,
} from '../../../generated/prisma/client.ts';
import type { PrismaClient } from '../../db/open-database.ts';

export type { CatalogSchema, Column, Dataset, Dimension, Domain, GlossaryTerm, JoinPath, Metric, Source };

/** A page request in cursor terms (what Relay connections need). Cursors are paths or names. */
export interface CursorPage {
  after?: string;
  before?: string;
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

export interface MetricFilter {
  domain?: string;
  tag?: string;
  search?: string;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

/**
 * Read access to the stored catalog for one request. GraphQL resolvers only read through this
 * interface, never through Prisma, so that the authorization slice (which objects this viewer
 * may see, at which tier) can stand in front of it by providing another implementation.
 */
export interface CatalogReader {
  domains(): Promise<Domain[]>;
  sources(): Promise<Source[]>;
  schemasOf(sourceId: string): Promise<CatalogSchema[]>;
  dataset(path: string): Promise<Dataset | null>;
  datasetById(id: string): Promise<Dataset | null>;
  datasets(page: CursorPage, filter: DatasetFilter): Promise<Page<Dataset>>;
  columnsOf(datasetId: string): Promise<Column[]>;
  column(path: string): Promise<Column | null>;
  dimensionsOf(datasetId: string): Promise<Dimension[]>;
  joinPathsOf(datasetId: string): Promise<JoinPath[]>;
  domainById(id: string): Promise<Domain | null>;
  metric(name: string): Promise<Metric | null>;
  metrics(page: CursorPage, filter: MetricFilter): Promise<Page<Metric>>;
  metricDependencies(
    metricId: string,
  ): Promise<{ datasets: Dataset[]; columns: Column[]; metrics: Metric[] }>;
  glossaryTerm(name: string): Promise<GlossaryTerm | null>;
  glossaryTerms(page: CursorPage, search?: string): Promise<Page<GlossaryTerm>>;
}

/** The whole catalog, unfiltered: for governance tools and until the authorization slice exists. */
export class StoredCatalogReader implements CatalogReader {
  private readonly datasetLoader: DataLoader<string, Dataset | null>;
  private readonly columnsLoader: DataLoader<string, Column[]>;
  private readonly domainLoader: DataLoader<string, Domain | null>;

  constructor(private readonly prisma: PrismaClient) {
    this.datasetLoader = new DataLoader(async (ids) => {
      const rows = await prisma.dataset.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.columnsLoader = new DataLoader(async (datasetIds) => {
      const rows = await prisma.column.findMany({
        where: { datasetId: { in: [...datasetIds] } },
        orderBy: { position: 'asc' },
      });
      return datasetIds.map((id) => rows.filter((row) => row.datasetId === id));
    });
    this.domainLoader = new DataLoader(async (ids) => {
      const rows = await prisma.domain.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
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

  dataset(path: string) {
    return this.prisma.dataset.findUnique({ where: { path } });
  }

  datasetById(id: string) {
    return this.datasetLoader.load(id);
  }

  async datasets(page: CursorPage, filter: DatasetFilter): Promise<Page<Dataset>> {
    const where: Prisma.DatasetWhereInput = {
      ...(filter.domain ? { domain: { name: filter.domain } } : {}),
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
      ...(filter.source ? { schema: { source: { name: filter.source } } } : {}),
      ...(filter.search ? { OR: textSearch(['name', 'path', 'description'], filter.search) } : {}),
    };
    const [items, totalCount] = await Promise.all([
      this.prisma.dataset.findMany({
        where: { AND: [where, cursorWhere('path', page)] },
        ...cursorOrder('path', page),
      }),
      this.prisma.dataset.count({ where }),
    ]);
    return { items, totalCount };
  }

  columnsOf(datasetId: string) {
    return this.columnsLoader.load(datasetId);
  }

  column(path: string) {
    return this.prisma.column.findUnique({ where: { path } });
  }

  dimensionsOf(datasetId: string) {
    return this.prisma.dimension.findMany({ where: { datasetId }, orderBy: { name: 'asc' } });
  }

  joinPathsOf(datasetId: string) {
    return this.prisma.joinPath.findMany({
      where: { OR: [{ fromDatasetId: datasetId }, { toDatasetId: datasetId }] },
      orderBy: { key: 'asc' },
    });
  }

  domainById(id: string) {
    return this.domainLoader.load(id);
  }

  metric(name: string) {
    return this.prisma.metric.findUnique({ where: { name } });
  }

  async metrics(page: CursorPage, filter: MetricFilter): Promise<Page<Metric>> {
    const where: Prisma.MetricWhereInput = {
      ...(filter.domain ? { domain: { name: filter.domain } } : {}),
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
      ...(filter.search ? { OR: textSearch(['name', 'label', 'description'], filter.search) } : {}),
    };
    const [items, totalCount] = await Promise.all([
      this.prisma.metric.findMany({
        where: { AND: [where, cursorWhere('name', page)] },
        ...cursorOrder('name', page),
      }),
      this.prisma.metric.count({ where }),
    ]);
    return { items, totalCount };
  }

  async metricDependencies(metricId: string) {
    const metric = await this.prisma.metric.findUniqueOrThrow({
      where: { id: metricId },
      include: {
        datasetDeps: { include: { dataset: true }, orderBy: { dataset: { path: 'asc' } } },
        columnDeps: { include: { column: true }, orderBy: { column: { path: 'asc' } } },
        inputMetrics: { include: { inputMetric: true }, orderBy: { inputMetric: { name: 'asc' } } },
      },
    });
    return {
      datasets: metric.datasetDeps.map((dep) => dep.dataset),
      columns: metric.columnDeps.map((dep) => dep.column),
      metrics: metric.inputMetrics.map((dep) => dep.inputMetric),
    };
  }

  glossaryTerm(name: string) {
    return this.prisma.glossaryTerm.findUnique({ where: { name } });
  }

  async glossaryTerms(page: CursorPage, search?: string): Promise<Page<GlossaryTerm>> {
    const where: Prisma.GlossaryTermWhereInput = search
      ? { OR: textSearch(['name', 'definition'], search) }
      : {};
    const [items, totalCount] = await Promise.all([
      this.prisma.glossaryTerm.findMany({
        where: { AND: [where, cursorWhere('name', page)] },
        ...cursorOrder('name', page),
      }),
      this.prisma.glossaryTerm.count({ where }),
    ]);
    return { items, totalCount };
  }
}

function textSearch<K extends string>(fields: K[], search: string) {
  return fields.map((field) => ({ [field]: { contains: search, mode: 'insensitive' as const } })) as Record<
    K,
    { contains: string; mode: 'insensitive' }
  >[];
}

function cursorWhere<K extends string>(
  key: K,
  page: CursorPage,
): Partial<Record<K, { gt?: string; lt?: string }>> {
  const bounds: { gt?: string; lt?: string } = {};
  if (page.after !== undefined) bounds.gt = page.after;
  if (page.before !== undefined) bounds.lt = page.before;
  return (page.after === undefined && page.before === undefined ? {} : { [key]: bounds }) as Partial<
    Record<K, { gt?: string; lt?: string }>
  >;
}

function cursorOrder<K extends string>(key: K, page: CursorPage) {
  return {
    orderBy: { [key]: page.inverted ? 'desc' : 'asc' } as Record<K, 'asc' | 'desc'>,
    take: page.limit,
  };
}
