import type { CatalogRows } from '../../catalog/read/catalog-rows.ts';
import {
  type GlossaryRelations,
  glossaryKey,
  relateGlossary,
} from '../../catalog/read/glossary-relations.ts';
import { glossarySummary } from '../../catalog/read/glossary-summary.ts';
import { mostSensitive, type Sensitivity } from '../../catalog/sensitivity.ts';
import type { PrismaClient } from '../../db/open-database.ts';
import type { PolicyObject } from '../access-context.ts';
import { TrigramIndex } from './trigram-index.ts';

/** A dataset, metric or glossary term with what listing and search need. */
export interface ListedObject {
  object: PolicyObject;
  name: string;
  /** Lowercased name, path and description, for case-insensitive search by those who read it. */
  text: string;
  /**
   * The part of `text` shown at DISCOVER, all a search by a viewer who only discovers the object
   * may match (else a search would tell the words of a withheld glossary definition).
   */
  discoverText: string;
  /** Datasets: their source (the first path segment). */
  source: string | null;
}

/** One entry of the search index. */
export interface SearchableObject {
  kind: 'dataset' | 'metric' | 'glossary' | 'column';
  item: ListedObject;
  lowerName: string;
}

/** The whole catalog as the policy engine reads it, loaded once per catalog change. */
export interface CatalogIndex {
  byId: Map<string, PolicyObject>;
  byPath: Map<string, PolicyObject>;
  /** Sorted by path. */
  datasets: ListedObject[];
  /** Sorted by name. */
  metrics: ListedObject[];
  /** Sorted by name. */
  glossary: ListedObject[];
  /** Searched by name and path only. */
  columns: ListedObject[];
  /** Each dataset's columns by dataset path (what join paths and dimensions name). */
  columnsByDataset: Map<string, ListedObject[]>;
  /** The metrics and columns each glossary term is about (by term id), before any decision. */
  glossaryRelations: GlossaryRelations;
  /** Everything search can find, in one list, and its text index (positions into that list). */
  searchable: SearchableObject[];
  textIndex: TrigramIndex;
}

/** What the index needs of each column (the rows themselves stay in the database, see DatasetColumns). */
export interface ColumnFacts {
  id: string;
  path: string;
  datasetId: string;
  tags: string[];
  sensitivity: Sensitivity | null;
}

/** Every column's facts in one query: millions of rows, so without the ORM's per-row mapping. */
export function loadColumnFacts(prisma: PrismaClient): Promise<ColumnFacts[]> {
  return prisma.$queryRaw<ColumnFacts[]>`
    SELECT "id"::text AS "id", "path", "datasetId"::text AS "datasetId", coalesce("tags", '{}') AS "tags",
           "sensitivity"::text AS "sensitivity"
    FROM "Column"`;
}

/** Up to this many searchable objects, the text index is built with the catalog index (tens of ms). */
const maxIndexedAtOnce = 100_000;

/** The index of one catalog version, from its rows and its columns' facts. */
export function buildCatalogIndex(rows: CatalogRows, columns: ColumnFacts[]): CatalogIndex {
  const datasets = [...rows.datasets.values()];
  const metrics = [...rows.metrics.values()];
  const terms = [...rows.glossary.values()];
  const domains = rows.domains;
  const domainName = new Map(domains.map((domain) => [domain.id, domain.name]));
  const index: CatalogIndex = {
    byId: new Map(),
    byPath: new Map(),
    datasets: [],
    metrics: [],
    glossary: [],
    columns: [],
    columnsByDataset: new Map(),
    glossaryRelations: new Map(),
    searchable: [],
    textIndex: new TrigramIndex([]),
  };
  const add = (object: PolicyObject) => {
    index.byId.set(object.id, object);
    index.byPath.set(object.path, object);
  };
  const datasetById = new Map<string, { path: string; domain: string | null; sensitivity: Sensitivity }>();
  for (const dataset of datasets) {
    const domain = dataset.domainId ? (domainName.get(dataset.domainId) ?? null) : null;
    const object: PolicyObject = {
      id: dataset.id,
      kind: 'dataset',
      path: dataset.path,
      datasetPath: null,
      tags: dataset.tags,
      domain,
      sensitivity: dataset.sensitivity,
      dependsOn: [],
    };
    add(object);
    datasetById.set(dataset.id, { path: dataset.path, domain, sensitivity: dataset.sensitivity });
    const text = `${dataset.name} ${dataset.path} ${dataset.description ?? ''}`.toLowerCase();
    index.datasets.push({
      object,
      name: dataset.name,
      text,
      discoverText: text,
      source: dataset.path.split('.')[0] ?? null,
    });
  }
  const columnPath = new Map<string, string>();
  for (const column of columns) {
    const parent = datasetById.get(column.datasetId)!;
    columnPath.set(column.id, column.path);
    const columnObject: PolicyObject = {
      id: column.id,
      kind: 'column',
      path: column.path,
      datasetPath: parent.path,
      tags: column.tags,
      domain: parent.domain,
      sensitivity: column.sensitivity
        ? mostSensitive([column.sensitivity, parent.sensitivity])
        : parent.sensitivity,
      dependsOn: [],
    };
    add(columnObject);
    const name = column.path.slice(parent.path.length + 1);
    const listed: ListedObject = {
      object: columnObject,
      name,
      // The path ends with the name.
      text: column.path.toLowerCase(),
      discoverText: column.path.toLowerCase(),
      source: parent.path.split('.')[0] ?? null,
    };
    index.columns.push(listed);
    const siblings = index.columnsByDataset.get(parent.path);
    if (siblings) siblings.push(listed);
    else index.columnsByDataset.set(parent.path, [listed]);
  }
  const metricName = new Map(metrics.map((metric) => [metric.id, metric.name]));
  const dependsOn = new Map<string, string[]>();
  for (const [metricId, ids] of rows.dependencies) {
    dependsOn.set(
      metricId,
      [
        ...ids.datasetIds.map((id) => datasetById.get(id)?.path),
        ...ids.columnIds.map((id) => columnPath.get(id)),
        ...ids.metricIds.map((id) => metricName.get(id)),
      ].filter((path): path is string => path !== undefined),
    );
  }
  for (const metric of metrics) {
    const object: PolicyObject = {
      id: metric.id,
      kind: 'metric',
      path: metric.name,
      datasetPath: null,
      tags: metric.tags,
      domain: metric.domainId ? (domainName.get(metric.domainId) ?? null) : null,
      sensitivity: metric.sensitivity,
      dependsOn: dependsOn.get(metric.id) ?? [],
    };
    add(object);
    // A metric's name, label and description are all shown at DISCOVER (its definition is not searched).
    const text = `${metric.name} ${metric.label ?? ''} ${metric.description ?? ''}`.toLowerCase();
    index.metrics.push({ object, name: metric.name, text, discoverText: text, source: null });
  }
  for (const term of terms) {
    const object: PolicyObject = {
      id: term.id,
      kind: 'glossary',
      path: `glossary:${term.name}`,
      datasetPath: null,
      tags: term.tags,
      domain: term.domainId ? (domainName.get(term.domainId) ?? null) : null,
      sensitivity: term.sensitivity,
      dependsOn: [],
    };
    add(object);
    index.glossary.push({
      object,
      name: term.name,
      text: `${term.name} ${term.definition}`.toLowerCase(),
      discoverText: `${term.name} ${glossarySummary(term.definition)}`.toLowerCase(),
      source: null,
    });
  }
  index.glossaryRelations = relateGlossary(
    terms.map((term) => ({
      id: term.id,
      key: glossaryKey(term.externalId),
      name: term.name,
      definition: term.definition,
    })),
    {
      metrics: metrics.map((metric) => ({ id: metric.id, name: metric.name, label: metric.label })),
      columns: index.columns.map((column) => ({ id: column.object.id, name: column.name })),
    },
  );
  // Cursors compare keys as JavaScript strings: sort the same way (not by the database collation).
  const byKey = (key: (item: ListedObject) => string) => (a: ListedObject, b: ListedObject) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  index.datasets.sort(byKey((item) => item.object.path));
  index.metrics.sort(byKey((item) => item.name));
  index.glossary.sort(byKey((item) => item.name));
  const lists = [
    ['dataset', index.datasets],
    ['metric', index.metrics],
    ['glossary', index.glossary],
    ['column', index.columns],
  ] as const;
  // Sorted by path, so that search results come out in path order without sorting per query.
  index.searchable = lists
    .flatMap(([kind, items]) => items.map((item) => ({ kind, item, lowerName: item.name.toLowerCase() })))
    .sort((a, b) =>
      a.item.object.path < b.item.object.path ? -1 : a.item.object.path > b.item.object.path ? 1 : 0,
    );
  index.textIndex = new TrigramIndex(index.searchable.map(({ item }) => item.text));
  // A small catalog is indexed at once; a large one by the loader, in slices (see loadCatalog).
  if (index.searchable.length <= maxIndexedAtOnce) index.textIndex.index();
  return index;
}
