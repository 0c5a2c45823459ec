/** The subset of dbt's manifest v12 (dbt 1.8) that the demo seed emits. */
import type { Access, Domain, Sensitivity } from '../types.ts';

export type EmptyObject = Record<string, never>;

export interface ColumnConstraint {
  type: 'primary_key' | 'not_null';
  name: null;
  expression: null;
  warn_unenforced: boolean;
  warn_unsupported: boolean;
}

export interface ColumnInfo {
  name: string;
  description: string;
  meta: { sensitivity?: Sensitivity };
  data_type: string | null;
  constraints: ColumnConstraint[];
  quote: null;
  tags: string[];
}

export interface DatasetMeta {
  domain: Domain;
  owner: string;
  stewards: string[];
  sensitivity: Sensitivity;
}

export interface FileHash {
  name: 'sha256' | 'none';
  checksum: string;
}

export interface Docs {
  show: boolean;
  node_color: null;
}

export interface DependsOn {
  macros: string[];
  nodes: string[];
}

export interface RefArgs {
  name: string;
  package: null;
  version: null;
}

export interface NodeConfig {
  enabled: boolean;
  alias: string | null;
  schema: string | null;
  database: string | null;
  tags: string[];
  meta: DatasetMeta;
  group: string | null;
  materialized: string;
  incremental_strategy: string | null;
  persist_docs: EmptyObject;
  'post-hook': [];
  'pre-hook': [];
  quoting: EmptyObject;
  column_types: EmptyObject;
  full_refresh: null;
  unique_key: string | null;
  on_schema_change: string;
  on_configuration_change: 'apply';
  grants: EmptyObject;
  packages: [];
  docs: Docs;
  contract: { enforced: boolean; alias_types: boolean };
  access?: Access;
  // seeds
  delimiter?: string;
  quote_columns?: null;
  // snapshots
  strategy?: string;
  target_schema?: string;
  target_database?: null;
  updated_at?: string | null;
  check_cols?: string[] | null;
}

interface BaseNode {
  database: string;
  schema: string;
  name: string;
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  fqn: string[];
  alias: string;
  checksum: FileHash;
  config: NodeConfig;
  tags: string[];
  description: string;
  columns: Record<string, ColumnInfo>;
  meta: DatasetMeta;
  group: string | null;
  docs: Docs;
  patch_path: string | null;
  build_path: null;
  unrendered_config: Record<string, string | boolean | string[]>;
  created_at: number;
  relation_name: string;
  raw_code: string;
}

export interface ModelNode extends BaseNode {
  resource_type: 'model';
  language: 'sql';
  refs: RefArgs[];
  sources: [string, string][];
  metrics: [];
  depends_on: DependsOn;
  compiled_path: null;
  contract: { enforced: boolean; alias_types: boolean; checksum: string | null };
  access: Access;
  constraints: [];
  version: null;
  latest_version: null;
  deprecation_date: null;
}

export interface SnapshotNode extends BaseNode {
  resource_type: 'snapshot';
  language: 'sql';
  refs: RefArgs[];
  sources: [string, string][];
  metrics: [];
  depends_on: DependsOn;
  compiled_path: null;
  contract: { enforced: boolean; alias_types: boolean; checksum: null };
}

export interface SeedNode extends BaseNode {
  resource_type: 'seed';
  root_path: string;
  depends_on: { macros: string[] };
}

export type ManifestNode = ModelNode | SnapshotNode | SeedNode;

export interface SourceNode {
  database: string;
  schema: string;
  name: string;
  resource_type: 'source';
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  fqn: string[];
  source_name: string;
  source_description: string;
  loader: string;
  identifier: string;
  quoting: { database: null; schema: null; identifier: null; column: null };
  loaded_at_field: string | null;
  freshness: {
    warn_after: { count: number; period: 'hour' | 'day' };
    error_after: { count: number; period: 'hour' | 'day' };
    filter: null;
  };
  external: null;
  description: string;
  columns: Record<string, ColumnInfo>;
  meta: DatasetMeta;
  source_meta: { system: string };
  tags: string[];
  config: { enabled: boolean };
  patch_path: null;
  unrendered_config: EmptyObject;
  relation_name: string;
  created_at: number;
}

export interface DocNode {
  name: string;
  resource_type: 'doc';
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  block_contents: string;
}

export interface Owner {
  name: string;
  email: string;
}

export interface GroupNode {
  name: string;
  resource_type: 'group';
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  owner: Owner;
}

export interface ExposureNode {
  name: string;
  resource_type: 'exposure';
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  fqn: string[];
  type: string;
  owner: Owner;
  description: string;
  label: string;
  maturity: string;
  meta: { domain: Domain };
  tags: string[];
  config: { enabled: boolean };
  unrendered_config: EmptyObject;
  url: string;
  depends_on: DependsOn;
  refs: RefArgs[];
  sources: [];
  metrics: [];
  created_at: number;
}

export interface SemanticElementConfig {
  meta: Record<string, string>;
}

export interface SemanticEntity {
  name: string;
  type: string;
  description: string | null;
  label: string | null;
  role: null;
  expr: string | null;
  config: SemanticElementConfig;
}

export interface SemanticDimension {
  name: string;
  type: 'categorical' | 'time';
  description: string;
  label: string | null;
  is_partition: boolean;
  type_params: { time_granularity: string; validity_params: null } | null;
  expr: string | null;
  metadata: null;
  config: SemanticElementConfig;
}

export interface SemanticMeasure {
  name: string;
  agg: string;
  description: string;
  label: string | null;
  create_metric: boolean;
  expr: string;
  agg_params: null;
  non_additive_dimension: { name: string; window_choice: 'max' | 'min'; window_groupings: string[] } | null;
  agg_time_dimension: string | null;
  config: SemanticElementConfig;
}

export interface SemanticModelNode {
  name: string;
  resource_type: 'semantic_model';
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  fqn: string[];
  model: string;
  node_relation: { alias: string; schema_name: string; database: string; relation_name: string };
  description: string;
  label: string;
  defaults: { agg_time_dimension: string };
  entities: SemanticEntity[];
  measures: SemanticMeasure[];
  dimensions: SemanticDimension[];
  metadata: null;
  depends_on: DependsOn;
  refs: RefArgs[];
  created_at: number;
  config: {
    enabled: boolean;
    group: string;
    meta: { domain: Domain; owner: string; sensitivity: Sensitivity };
  };
  unrendered_config: EmptyObject;
  primary_entity: string | null;
  group: string;
}

export interface MetricInputMeasure {
  name: string;
  filter: null;
  alias: null;
  join_to_timespine: boolean;
  fill_nulls_with: null;
}

export interface MetricInput {
  name: string;
  filter: null;
  alias: string | null;
  offset_window: string | null;
  offset_to_grain: null;
}

export interface MetricTimeWindow {
  count: number;
  granularity: string;
}

export interface MetricTypeParams {
  measure: MetricInputMeasure | null;
  input_measures: MetricInputMeasure[];
  numerator: MetricInput | null;
  denominator: MetricInput | null;
  expr: string | null;
  window: MetricTimeWindow | null;
  grain_to_date: string | null;
  metrics: MetricInput[];
  conversion_type_params: null;
  cumulative_type_params: {
    window: MetricTimeWindow | null;
    grain_to_date: string | null;
    period_agg: 'first';
  } | null;
}

export interface MetricMeta {
  domain: Domain;
  owner: string;
  sensitivity: Sensitivity;
}

export interface MetricNode {
  name: string;
  resource_type: 'metric';
  package_name: string;
  path: string;
  original_file_path: string;
  unique_id: string;
  fqn: string[];
  description: string;
  label: string;
  type: string;
  type_params: MetricTypeParams;
  filter: null;
  metadata: null;
  meta: MetricMeta;
  tags: string[];
  config: { enabled: boolean; group: string; meta: MetricMeta };
  unrendered_config: EmptyObject;
  sources: [];
  depends_on: DependsOn;
  refs: [];
  metrics: [string][];
  created_at: number;
  group: string;
}

export interface ManifestMetadata {
  dbt_schema_version: string;
  dbt_version: string;
  generated_at: string;
  invocation_id: string;
  env: EmptyObject;
  project_name: string;
  project_id: string;
  user_id: null;
  send_anonymous_usage_stats: boolean;
  adapter_type: string;
}

export interface Manifest {
  metadata: ManifestMetadata;
  nodes: Record<string, ManifestNode>;
  sources: Record<string, SourceNode>;
  macros: EmptyObject;
  docs: Record<string, DocNode>;
  exposures: Record<string, ExposureNode>;
  metrics: Record<string, MetricNode>;
  groups: Record<string, GroupNode>;
  selectors: EmptyObject;
  disabled: EmptyObject;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
  group_map: Record<string, string[]>;
  saved_queries: EmptyObject;
  semantic_models: Record<string, SemanticModelNode>;
  unit_tests: EmptyObject;
}
