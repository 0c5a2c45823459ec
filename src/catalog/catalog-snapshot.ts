import type { DatasetKind, JoinPathKind } from '../../generated/prisma/enums.ts';
import type { JsonObject, JsonValue } from '../shared/json.ts';
import type { Sensitivity } from './sensitivity.ts';

/**
 * A whole catalog as one importer sees it, in aperture's terms. Importers (dbt, PostgreSQL)
 * produce it from their input; `applyCatalogSnapshot` makes the stored catalog match it.
 */
export interface CatalogSnapshot {
  /** Which import owns these objects, e.g. `dbt:acme_analytics`; re-imports prune only their own. */
  origin: string;
  /** Human-readable name of the input (a file path or a redacted URL), for messages and audit. */
  input: string;
  /**
   * Path prefixes this snapshot speaks for (e.g. `shop.public.` when one schema was imported).
   * Stored datasets, columns and join paths of the origin outside them are left alone.
   * Absent: the snapshot is the whole origin.
   */
  scope?: string[];
  datasets: DatasetSnapshot[];
  dimensions: DimensionSnapshot[];
  joinPaths: JoinPathSnapshot[];
  metrics: MetricSnapshot[];
  glossary: GlossaryTermSnapshot[];
  /** Datasets that several input objects named (e.g. a dbt seed and a source on one table). */
  merges?: DatasetMerge[];
  /** What the importer could not use or place; the import goes ahead. */
  warnings?: ImportWarning[];
}

/** Input objects that name one physical relation, imported as one dataset. */
export interface DatasetMerge {
  path: string;
  /** The object whose id the dataset keeps comes first. */
  externalIds: string[];
}

export const importWarningKinds = [
  'dataset-without-columns',
  'dataset-not-in-catalog',
  'column-not-in-catalog',
  'join-path-not-placed',
  'catalog-errors',
] as const;
export type ImportWarningKind = (typeof importWarningKinds)[number];

/** Something an import went ahead without; shown in the summary, never a reason to refuse. */
export interface ImportWarning {
  kind: ImportWarningKind;
  /** What it is about: a dataset or column path, a join, a file. */
  subject: string;
  message: string;
}

export interface DatasetSnapshot {
  externalId: string;
  source: string;
  schema: string;
  name: string;
  kind: DatasetKind;
  description: string | null;
  tags: string[];
  domain: string | null;
  sensitivity: Sensitivity;
  ownerEmail: string | null;
  stewardEmails: string[];
  meta: JsonObject;
  columns: ColumnSnapshot[];
}

export interface ColumnSnapshot {
  name: string;
  dataType: string | null;
  description: string | null;
  tags: string[];
  /** Null: as sensitive as the dataset. */
  sensitivity: Sensitivity | null;
  isPrimaryKey: boolean;
  meta: JsonObject;
}

export interface DimensionSnapshot {
  datasetPath: string;
  semanticModel: string;
  name: string;
  type: string;
  expr: string | null;
  description: string | null;
}

export interface JoinPathSnapshot {
  kind: JoinPathKind;
  name: string | null;
  fromDatasetPath: string;
  toDatasetPath: string;
  fromColumns: string[];
  toColumns: string[];
}

export interface MetricSnapshot {
  externalId: string;
  name: string;
  label: string | null;
  description: string | null;
  type: string;
  definition: JsonValue;
  tags: string[];
  domain: string | null;
  /** Null: derived from what the metric depends on. */
  sensitivity: Sensitivity | null;
  ownerEmail: string | null;
  meta: JsonObject;
  /** Datasets and columns the metric reads directly (not through input metrics). */
  datasetPaths: string[];
  columnPaths: string[];
  /** Names of the metrics this one is computed from. */
  inputMetrics: string[];
}

export interface GlossaryTermSnapshot {
  externalId: string;
  name: string;
  definition: string;
  tags: string[];
  domain: string | null;
  sensitivity: Sensitivity;
  ownerEmail: string | null;
}

export function datasetPath(dataset: Pick<DatasetSnapshot, 'source' | 'schema' | 'name'>): string {
  return `${dataset.source}.${dataset.schema}.${dataset.name}`;
}
