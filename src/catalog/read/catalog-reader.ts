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
import type { CatalogRows } from './catalog-rows.ts';
import type { DatasetColumns } from './dataset-columns.ts';

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
 * The stored catalog, unfiltered, at one catalog version: rows from memory (CatalogRows), columns
 * from the recently used datasets' cache. It decides nothing: GraphQL reads through the viewer's
 * SliceCatalogReader (src/policy/slice), which uses this to hand out rows.
 */
export class StoredCatalogReader {
  constructor(
    private readonly rows: CatalogRows,
    private readonly datasetColumns: DatasetColumns,
    /** The dataset a column belongs to (from the catalog index), by column id. */
    private readonly datasetOfColumn: (columnId: string) => string | undefined,
  ) {}

  async columnById(id: string): Promise<Column | null> {
    const datasetId = this.datasetOfColumn(id);
    if (!datasetId) return null;
    return (await this.datasetColumns.of(datasetId)).find((column) => column.id === id) ?? null;
  }

  async metricById(id: string): Promise<Metric | null> {
    return this.rows.metrics.get(id) ?? null;
  }

  async glossaryTermById(id: string): Promise<GlossaryTerm | null> {
    return this.rows.glossary.get(id) ?? null;
  }

  async domains(): Promise<Domain[]> {
    return this.rows.domains;
  }

  async sources(): Promise<Source[]> {
    return this.rows.sources;
  }

  async schemasOf(sourceId: string): Promise<CatalogSchema[]> {
    return this.rows.schemasBySource.get(sourceId) ?? [];
  }

  async datasetById(id: string): Promise<Dataset | null> {
    return this.rows.datasets.get(id) ?? null;
  }

  columnsOf(datasetId: string): Promise<Column[]> {
    return this.datasetColumns.of(datasetId);
  }

  async dimensionsOf(datasetId: string): Promise<Dimension[]> {
    return this.rows.dimensionsByDataset.get(datasetId) ?? [];
  }

  async joinPathsOf(datasetId: string): Promise<JoinPath[]> {
    return this.rows.joinPathsByDataset.get(datasetId) ?? [];
  }

  async domainById(id: string): Promise<Domain | null> {
    return this.rows.domainsById.get(id) ?? null;
  }

  async metricDependencies(metricId: string): Promise<MetricDependencies> {
    const ids = this.rows.dependencies.get(metricId);
    if (!ids) return { datasets: [], columns: [], metrics: [] };
    const columns = await Promise.all(ids.columnIds.map((id) => this.columnById(id)));
    return {
      datasets: present(ids.datasetIds.map((id) => this.rows.datasets.get(id))).sort(byText((d) => d.path)),
      columns: present(columns).sort(byText((c) => c.path)),
      metrics: present(ids.metricIds.map((id) => this.rows.metrics.get(id))).sort(byText((m) => m.name)),
    };
  }
}

function present<T>(rows: (T | null | undefined)[]): T[] {
  return rows.filter((row): row is T => row !== null && row !== undefined);
}

function byText<T>(text: (item: T) => string) {
  return (a: T, b: T) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
}
