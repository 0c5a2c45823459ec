/** Declaration types for the demo company seed: compact specs that the builders expand into dbt JSON. */

export const sensitivities = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Sensitivity = (typeof sensitivities)[number];

export const domains = ['sales', 'finance', 'hr', 'marketing', 'support', 'product'] as const;
export type Domain = (typeof domains)[number];

export interface ColumnOpts {
  readonly tags?: readonly string[];
  /** Explicit column sensitivity; tags like `pii:ssn` imply one too (see build/columns.ts). */
  readonly sensitivity?: Sensitivity;
  /** Primary key of the dataset: emits a `primary_key` constraint on models. */
  readonly pk?: boolean;
  /** SQL expression used when a staging model adds the column. */
  readonly expr?: string;
}

/** `[name, postgres type, description, opts]`; an empty description is allowed for a few raw columns. */
export type ColumnSpec = readonly [name: string, dataType: string, description: string, opts?: ColumnOpts];

export interface TableSpec {
  readonly name: string;
  readonly description: string;
  readonly sensitivity: Sensitivity;
  readonly tags?: readonly string[];
  /** Defaults to the domain's owner / stewards (see domains.ts). */
  readonly owner?: string;
  readonly stewards?: readonly string[];
  readonly columns: readonly ColumnSpec[];
}

/** One dbt source (a schema of the `raw` database) and its tables. */
export interface SourceSystemSpec {
  readonly sourceName: string;
  readonly system: string;
  readonly loader: string;
  readonly description: string;
  readonly loadedAtField: string | null;
  /** Loaded once a night (freshness in days) rather than several times a day. */
  readonly nightly?: boolean;
  readonly tables: readonly TableSpec[];
}

/** A staging model derived from one source table: renamed, filtered, a few columns added. */
export interface StagingSpec {
  readonly source: string;
  readonly table: string;
  readonly description: string;
  readonly rename?: Readonly<Record<string, string>>;
  readonly drop?: readonly string[];
  readonly add?: readonly ColumnSpec[];
  /** Defaults to the source table's sensitivity. */
  readonly sensitivity?: Sensitivity;
  readonly tags?: readonly string[];
}

export type Materialization = 'table' | 'view' | 'incremental';
export type Access = 'public' | 'protected' | 'private';

export interface ModelSpec extends TableSpec {
  readonly materialized: Materialization;
  readonly refs?: readonly string[];
  readonly sources?: readonly (readonly [source: string, table: string])[];
  /** Defaults to `public` for marts. */
  readonly access?: Access;
  readonly uniqueKey?: string;
  /** Enforce the model contract (column names and types). */
  readonly contract?: boolean;
}

export interface DomainCatalog {
  readonly domain: Domain;
  readonly sources: readonly SourceSystemSpec[];
  readonly staging: readonly StagingSpec[];
  /** Marts live in `analytics.<domain>`. */
  readonly marts: readonly ModelSpec[];
}

export interface SeedSpec extends TableSpec {
  readonly domain: Domain;
  /** First CSV lines; only feeds the file checksum. */
  readonly csvHead: string;
}

export interface SnapshotSpec extends TableSpec {
  readonly domain: Domain;
  readonly source: readonly [source: string, table: string];
  readonly uniqueKey: string;
  readonly strategy: 'timestamp' | 'check';
  readonly updatedAt?: string;
  readonly checkCols?: readonly string[];
}

export type Department =
  | 'executive'
  | 'sales'
  | 'finance'
  | 'hr'
  | 'marketing'
  | 'support'
  | 'engineering'
  | 'data'
  | 'legal';

export type Region = 'emea' | 'amer' | 'apac';

export type AttributeValue = string | number | boolean;

/** One line of people.json. */
export interface Person {
  readonly email: string;
  readonly name: string;
  readonly title: string;
  readonly department: Department;
  readonly region: Region;
  readonly groups: readonly string[];
  readonly manager: string | null;
  readonly slackUserId?: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}
