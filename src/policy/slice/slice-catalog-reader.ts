import type {
  AccessExplanationShape,
  CatalogReader,
  CursorPage,
  DatasetFilter,
  GlossaryRelated,
  Metric,
  MetricDependencies,
  MetricFilter,
  ObjectAccess,
  Page,
  SearchFilter,
  SearchHit,
  ShownGlossaryTerm,
  StoredCatalogReader,
} from '../../catalog/read/catalog-reader.ts';
import { glossarySummary } from '../../catalog/read/glossary-summary.ts';
import type { PolicyObject } from '../access-context.ts';
import type { ObjectDecision } from '../viewer-access.ts';

import type { ViewerSlice } from './access-service.ts';
import type { ListedObject, SearchableObject } from './catalog-index.ts';
import { discoverableByPath } from './discoverable-by-path.ts';

/**
 * The catalog as one viewer may see it. Every read goes through the viewer's decisions: hidden
 * objects are absent everywhere (lookups, lists, counts, dependencies, join paths), and a hidden
 * object answers exactly like one that does not exist.
 */
export class SliceCatalogReader implements CatalogReader {
  private readonly stored: StoredCatalogReader;

  constructor(private readonly slice: ViewerSlice) {
    this.stored = slice.stored;
  }

  /** Ids of every catalog object this reader handed out (for the query's audit event). */
  private readonly handed = new Set<string>();

  /** Per dataset id: the lowercased names of its columns hidden from this viewer. */
  private readonly hiddenColumns = new Map<string, Set<string>>();

  get policyVersion(): number {
    return this.slice.policyVersion;
  }

  handedOut(): string[] {
    return [...this.handed].sort();
  }

  private keep<T extends { id: string }>(rows: T[]): T[] {
    for (const row of rows) this.handed.add(row.id);
    return rows;
  }

  private keepOne<T extends { id: string }>(row: T | null): T | null {
    if (row) this.handed.add(row.id);
    return row;
  }

  private decision(object: PolicyObject | undefined): ObjectDecision | undefined {
    if (!object) return undefined;
    const decision = this.slice.decide(object);
    return decision.visibility === 'HIDDEN' ? undefined : decision;
  }

  private visible(id: string): PolicyObject | undefined {
    const object = this.slice.catalog.byId.get(id);
    return this.decision(object) ? object : undefined;
  }

  private readable(id: string): boolean {
    return this.decision(this.slice.catalog.byId.get(id))?.visibility === 'READ';
  }

  /**
   * Why the viewer sees a dataset, column, metric or term as it does. Only for objects it may at
   * least discover: anything else answers null, like a path that does not exist.
   */
  explain(path: string): AccessExplanationShape | null {
    const found = discoverableByPath(this.slice, path);
    if (!found) return null;
    const { object, decision } = found;
    return {
      path,
      kind: object.kind,
      tier: decision.visibility === 'READ' ? 'READ' : 'DISCOVER',
      policyVersion: this.slice.policyVersion,
      ...decision.reasons,
      mask: decision.mask,
      rowFilter: decision.rowFilter,
    };
  }

  /**
   * The catalog paths of one kind the viewer may discover (only those it may read, with
   * `readableOnly`), in code-point order: the slice as a list, for resource search. Glossary terms
   * are listed by name. Remembered with the slice's other derived results.
   */
  visiblePaths(kind: 'dataset' | 'column' | 'metric' | 'glossary', readableOnly: boolean): string[] {
    return this.slice.remember(`paths:${kind}:${readableOnly}`, () => {
      const { catalog } = this.slice;
      const listed =
        kind === 'dataset'
          ? catalog.datasets
          : kind === 'column'
            ? catalog.columns
            : kind === 'metric'
              ? catalog.metrics
              : catalog.glossary;
      const paths: string[] = [];
      for (const { object } of listed) {
        const decision = this.decision(object);
        if (!decision || (readableOnly && decision.visibility !== 'READ')) continue;
        paths.push(kind === 'glossary' ? object.path.replace(/^glossary:/, '') : object.path);
      }
      return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    });
  }

  access(objectId: string): ObjectAccess {
    const decision = this.decision(this.slice.catalog.byId.get(objectId));
    if (!decision) throw new Error(`object ${objectId} is not in this viewer's slice`);
    return {
      tier: decision.visibility === 'READ' ? 'READ' : 'DISCOVER',
      mask: decision.mask,
      rowFilter: decision.rowFilter,
    };
  }

  async domains() {
    const names = new Set<string>();
    for (const list of [
      this.slice.catalog.datasets,
      this.slice.catalog.metrics,
      this.slice.catalog.glossary,
    ]) {
      for (const item of list)
        if (item.object.domain && this.decision(item.object)) names.add(item.object.domain);
    }
    return (await this.stored.domains()).filter((domain) => names.has(domain.name));
  }

  async sources() {
    const names = new Set(this.visibleDatasets().map((item) => item.source));
    return (await this.stored.sources()).filter((source) => names.has(source.name));
  }

  async schemasOf(sourceId: string) {
    const prefixes = new Set(
      this.visibleDatasets().map((item) => item.object.path.split('.').slice(0, 2).join('.')),
    );
    return (await this.stored.schemasOf(sourceId)).filter((schema) => prefixes.has(schema.path));
  }

  async dataset(path: string) {
    const object = this.slice.catalog.byPath.get(path);
    return this.keepOne(
      object?.kind === 'dataset' && this.decision(object) ? await this.stored.datasetById(object.id) : null,
    );
  }

  async datasetById(id: string) {
    return this.keepOne(this.visible(id) ? await this.stored.datasetById(id) : null);
  }

  async datasets(page: CursorPage, filter: DatasetFilter) {
    const search = filter.search?.toLowerCase();
    const matching = this.visibleDatasets().filter(
      (item) =>
        (!filter.domain || item.object.domain === filter.domain) &&
        (!filter.tag || item.object.tags.includes(filter.tag)) &&
        (!filter.source || item.source === filter.source) &&
        (!search || this.searchableText(item).includes(search)),
    );
    return this.page(
      matching,
      (item) => item.object.path,
      page,
      (ids) => Promise.all(ids.map((id) => this.stored.datasetById(id))),
    );
  }

  async columnsOf(datasetId: string) {
    return this.keep((await this.stored.columnsOf(datasetId)).filter((column) => this.visible(column.id)));
  }

  /** Dimensions of a readable dataset, but none whose name or expression names a column hidden from the viewer. */
  async dimensionsOf(datasetId: string) {
    if (!this.readable(datasetId)) return [];
    const hidden = this.hiddenColumnNames(datasetId);
    return (await this.stored.dimensionsOf(datasetId)).filter(
      (dimension) =>
        hidden.size === 0 ||
        !(`${dimension.name} ${dimension.expr ?? ''}`.match(/\w+/g) ?? []).some((word) =>
          hidden.has(word.toLowerCase()),
        ),
    );
  }

  /** Join paths between readable datasets only, on columns the viewer sees at both ends. */
  async joinPathsOf(datasetId: string) {
    if (!this.readable(datasetId)) return [];
    return (await this.stored.joinPathsOf(datasetId)).filter(
      (join) =>
        this.readable(join.fromDatasetId) &&
        this.readable(join.toDatasetId) &&
        this.noneHidden(join.fromDatasetId, join.fromColumns) &&
        this.noneHidden(join.toDatasetId, join.toColumns),
    );
  }

  private noneHidden(datasetId: string, columnNames: string[]): boolean {
    const hidden = this.hiddenColumnNames(datasetId);
    return hidden.size === 0 || !columnNames.some((name) => hidden.has(name.toLowerCase()));
  }

  /** Lowercased names of a dataset's columns the viewer may not see. */
  private hiddenColumnNames(datasetId: string): Set<string> {
    let hidden = this.hiddenColumns.get(datasetId);
    if (!hidden) {
      const path = this.slice.catalog.byId.get(datasetId)?.path;
      const columns = (path && this.slice.catalog.columnsByDataset.get(path)) || [];
      hidden = new Set(
        columns.filter((column) => !this.decision(column.object)).map((column) => column.name.toLowerCase()),
      );
      this.hiddenColumns.set(datasetId, hidden);
    }
    return hidden;
  }

  domainById(id: string) {
    return this.stored.domainById(id);
  }

  async metric(name: string) {
    const object = this.slice.catalog.byPath.get(name);
    return this.keepOne(
      object?.kind === 'metric' && this.decision(object) ? await this.shownMetric(object.id) : null,
    );
  }

  async metrics(page: CursorPage, filter: MetricFilter) {
    const search = filter.search?.toLowerCase();
    const matching = this.slice.catalog.metrics.filter(
      (item) =>
        this.decision(item.object) &&
        (!filter.domain || item.object.domain === filter.domain) &&
        (!filter.tag || item.object.tags.includes(filter.tag)) &&
        (!search || this.searchableText(item).includes(search)),
    );
    return this.page(
      matching,
      (item) => item.name,
      page,
      (ids) => Promise.all(ids.map((id) => this.shownMetric(id))),
    );
  }

  /** A readable metric's dependencies are readable by definition; a discoverable one shows none. */
  async metricDependencies(metricId: string): Promise<MetricDependencies> {
    if (!this.readable(metricId)) return { datasets: [], columns: [], metrics: [] };
    const dependencies = await this.stored.metricDependencies(metricId);
    return {
      datasets: this.keep(dependencies.datasets.filter((dataset) => this.visible(dataset.id))),
      columns: this.keep(dependencies.columns.filter((column) => this.visible(column.id))),
      metrics: this.keep(dependencies.metrics.filter((metric) => this.visible(metric.id))),
    };
  }

  async glossaryTerm(name: string) {
    const object = this.slice.catalog.byPath.get(`glossary:${name}`);
    return this.keepOne(object && this.decision(object) ? await this.shownTerm(object.id) : null);
  }

  async glossaryTerms(page: CursorPage, search?: string) {
    const text = search?.toLowerCase();
    const matching = this.slice.catalog.glossary.filter(
      (item) => this.decision(item.object) && (!text || this.searchableText(item).includes(text)),
    );
    return this.page(
      matching,
      (item) => item.name,
      page,
      (ids) => Promise.all(ids.map((id) => this.shownTerm(id))),
    );
  }

  /** What a readable term is about: the related metrics the viewer may discover, the columns it sees. */
  async glossaryRelated(termId: string): Promise<GlossaryRelated> {
    const related = this.slice.catalog.glossaryRelations.get(termId);
    if (!related || !this.readable(termId)) return { metrics: [], columns: [] };
    const metricIds = related.metricIds.filter((id) => this.visible(id));
    const columnIds = related.columnIds.filter((id) => this.visible(id));
    const [metrics, columns] = await Promise.all([
      Promise.all(metricIds.map((id) => this.shownMetric(id))),
      Promise.all(columnIds.map((id) => this.stored.columnById(id))),
    ]);
    return {
      metrics: this.keep(metrics.filter((metric) => metric !== null)).sort(byText((metric) => metric.name)),
      columns: this.keep(columns.filter((column) => column !== null)).sort(byText((column) => column.path)),
    };
  }

  async search(query: string, filter: SearchFilter, offset: number, limit: number): Promise<Page<SearchHit>> {
    const text = query.trim().toLowerCase();
    const key = `search:${JSON.stringify([text, filter.kinds, filter.tags, filter.domains, filter.sources])}`;
    const scored = this.slice.remember(key, () => this.visibleMatches(text, filter));
    const page = scored.slice(offset, offset + limit);
    const hits = await Promise.all(
      page.map(async ({ kind, item }): Promise<SearchHit | null> => {
        const id = item.object.id;
        if (kind === 'dataset') return wrap('dataset', await this.stored.datasetById(id));
        if (kind === 'column') return wrap('column', await this.stored.columnById(id));
        if (kind === 'metric') return wrap('metric', await this.shownMetric(id));
        return wrap('glossary', await this.shownTerm(id));
      }),
    );
    const items = hits.filter((hit): hit is SearchHit => hit !== null);
    this.keep(items.map((hit) => hit.row));
    return { items, totalCount: scored.length };
  }

  /** What a search finds among the visible objects: exact names, then names containing the text, then the rest; each in path order. */
  private visibleMatches(text: string, filter: SearchFilter): SearchableObject[] {
    const { catalog } = this.slice;
    const byScore: SearchableObject[][] = [[], [], []];
    for (const position of catalog.textIndex.search(text)) {
      const entry = catalog.searchable[position]!;
      const { kind, item, lowerName } = entry;
      if (filter.kinds && !filter.kinds.includes(kind)) continue;
      const { object } = item;
      if (filter.tags && !object.tags.some((tag) => filter.tags!.includes(tag))) continue;
      if (filter.domains && !(object.domain && filter.domains.includes(object.domain))) continue;
      if (filter.sources && !(item.source && filter.sources.includes(item.source))) continue;
      const decision = this.decision(object);
      if (!decision) continue;
      // Below READ only what DISCOVER shows may match (a term's withheld definition may not).
      if (decision.visibility !== 'READ' && !item.discoverText.includes(text)) continue;
      byScore[lowerName === text ? 0 : lowerName.includes(text) ? 1 : 2]!.push(entry);
    }
    return byScore.flat();
  }

  /** A metric as the viewer may see it: below READ its definition (which names what it reads) is withheld. */
  private async shownMetric(id: string): Promise<Metric | null> {
    const metric = await this.stored.metricById(id);
    return metric && !this.readable(id) ? { ...metric, definition: null } : metric;
  }

  /**
   * A glossary term as the viewer may see it: its short description always, its full definition
   * only at READ (it says how the term is computed and from what).
   */
  private async shownTerm(id: string): Promise<ShownGlossaryTerm | null> {
    const term = await this.stored.glossaryTermById(id);
    if (!term) return null;
    const summary = glossarySummary(term.definition);
    return { ...term, summary, definition: this.readable(id) ? term.definition : null };
  }

  /** The text a search may match: all of it for objects the viewer reads, the DISCOVER part otherwise. */
  private searchableText(item: ListedObject): string {
    return this.readable(item.object.id) ? item.text : item.discoverText;
  }

  private visibleDatasets(): ListedObject[] {
    return this.slice.catalog.datasets.filter((item) => this.decision(item.object));
  }

  /** Cursor paging over a sorted, already filtered list; rows are loaded for the page only. */
  private async page<T>(
    items: ListedObject[],
    keyOf: (item: ListedObject) => string,
    page: CursorPage,
    load: (ids: string[]) => Promise<(T | null)[]>,
  ): Promise<Page<T>> {
    const inRange = items.filter(
      (item) =>
        (page.after === undefined || keyOf(item) > page.after) &&
        (page.before === undefined || keyOf(item) < page.before),
    );
    const ordered = page.inverted ? [...inRange].reverse() : inRange;
    const rows = await load(ordered.slice(0, page.limit).map((item) => item.object.id));
    const found = rows.filter((row): row is Awaited<T> & T => row !== null);
    for (const row of found)
      if (row && typeof row === 'object' && 'id' in row) this.handed.add(String(row.id));
    return { items: found, totalCount: items.length };
  }
}

function byText<T>(text: (item: T) => string) {
  return (a: T, b: T) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);
}

function wrap<K extends SearchHit['kind']>(
  kind: K,
  row: Extract<SearchHit, { kind: K }>['row'] | null,
): SearchHit | null {
  return row ? ({ kind, row } as SearchHit) : null;
}
