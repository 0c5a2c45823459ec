import type {
  Access,
  ColumnSpec,
  Domain,
  Materialization,
  SeedSpec,
  Sensitivity,
  SnapshotSpec,
} from '../types.ts';
import { buildColumns } from './columns.ts';
import { datasetMeta, datasetTags } from './dataset-meta.ts';
import type { ModelNode, NodeConfig, RefArgs, SeedNode, SnapshotNode } from './manifest-types.ts';
import {
  modelsDatabase,
  projectName,
  relationName,
  rootPath,
  seedSchema,
  sha256,
  snapshotSchema,
  uniqueDeduped,
} from './project.ts';
import { snapshotSql } from './sql.ts';

export interface NodeContext {
  readonly clock: () => number;
  /** unique_id of a model, seed or snapshot by name. */
  readonly refId: (name: string) => string;
  readonly sourceId: (source: string, table: string) => string;
}

export interface ModelInput {
  readonly name: string;
  readonly domain: Domain;
  readonly schema: string;
  /** Directory under models/, e.g. `staging/salesforce` or `marts/sales`. */
  readonly dir: string;
  readonly description: string;
  readonly sensitivity: Sensitivity;
  readonly layerTags: readonly string[];
  readonly tags: readonly string[];
  readonly owner: string | undefined;
  readonly stewards: readonly string[] | undefined;
  readonly technical: boolean;
  readonly columns: readonly ColumnSpec[];
  readonly materialized: Materialization;
  readonly access: Access;
  readonly uniqueKey: string | null;
  readonly contract: boolean;
  readonly rawCode: string;
  readonly refs: readonly string[];
  readonly sources: readonly (readonly [string, string])[];
}

const docs = { show: true, node_color: null };

function baseConfig(
  materialized: string,
  tags: string[],
  meta: NodeConfig['meta'],
  group: string | null,
  schema: string,
): NodeConfig {
  return {
    enabled: true,
    alias: null,
    schema,
    database: null,
    tags,
    meta,
    group,
    materialized,
    incremental_strategy: null,
    persist_docs: {},
    'post-hook': [],
    'pre-hook': [],
    quoting: {},
    column_types: {},
    full_refresh: null,
    unique_key: null,
    on_schema_change: 'ignore',
    on_configuration_change: 'apply',
    grants: {},
    packages: [],
    docs,
    contract: { enforced: false, alias_types: true },
  };
}

function refArgs(names: readonly string[]): RefArgs[] {
  return names.map((name) => ({ name, package: null, version: null }));
}

export function buildModelNode(input: ModelInput, ctx: NodeContext): ModelNode {
  const meta = datasetMeta(input);
  const tags = datasetTags(input.domain, input.layerTags, input.tags, input.columns);
  const config: NodeConfig = {
    ...baseConfig(input.materialized, tags, meta, input.domain, input.schema),
    unique_key: input.uniqueKey,
    incremental_strategy: input.materialized === 'incremental' ? 'merge' : null,
    on_schema_change: input.materialized === 'incremental' ? 'append_new_columns' : 'ignore',
    contract: { enforced: input.contract, alias_types: true },
    access: input.access,
  };
  const dependsOn = uniqueDeduped([
    ...input.refs.map(ctx.refId),
    ...input.sources.map(([source, table]) => ctx.sourceId(source, table)),
  ]).sort();
  const fileName = `${input.name}.sql`;
  return {
    database: modelsDatabase,
    schema: input.schema,
    name: input.name,
    resource_type: 'model',
    package_name: projectName,
    path: `${input.dir}/${fileName}`,
    original_file_path: `models/${input.dir}/${fileName}`,
    unique_id: `model.${projectName}.${input.name}`,
    fqn: [projectName, ...input.dir.split('/'), input.name],
    alias: input.name,
    checksum: { name: 'sha256', checksum: sha256(input.rawCode) },
    config,
    tags,
    description: input.description,
    columns: buildColumns(input.columns, input.sensitivity, true),
    meta,
    group: input.domain,
    docs,
    patch_path: `${projectName}://models/${input.dir}/_${input.dir.split('/').at(-1)}__models.yml`,
    build_path: null,
    unrendered_config: {
      materialized: input.materialized,
      group: input.domain,
      access: input.access,
      schema: input.schema,
      ...(input.contract ? { contract: true } : {}),
      ...(input.uniqueKey === null ? {} : { unique_key: input.uniqueKey }),
    },
    created_at: ctx.clock(),
    relation_name: relationName(modelsDatabase, input.schema, input.name),
    raw_code: input.rawCode,
    language: 'sql',
    refs: refArgs(input.refs),
    sources: input.sources.map(([source, table]) => [source, table]),
    metrics: [],
    depends_on: { macros: [], nodes: dependsOn },
    compiled_path: null,
    contract: {
      enforced: input.contract,
      alias_types: true,
      checksum: input.contract ? sha256(JSON.stringify(input.columns.map(([n, t]) => [n, t]))) : null,
    },
    access: input.access,
    constraints: [],
    version: null,
    latest_version: null,
    deprecation_date: null,
  };
}

export function buildSeedNode(spec: SeedSpec, ctx: NodeContext): SeedNode {
  const meta = datasetMeta({ ...spec, technical: false });
  const tags = datasetTags(spec.domain, ['seed'], spec.tags ?? [], spec.columns);
  return {
    database: modelsDatabase,
    schema: seedSchema,
    name: spec.name,
    resource_type: 'seed',
    package_name: projectName,
    path: `${spec.name}.csv`,
    original_file_path: `seeds/${spec.name}.csv`,
    unique_id: `seed.${projectName}.${spec.name}`,
    fqn: [projectName, spec.name],
    alias: spec.name,
    checksum: { name: 'sha256', checksum: sha256(spec.csvHead) },
    config: {
      ...baseConfig('seed', tags, meta, spec.domain, seedSchema),
      delimiter: ',',
      quote_columns: null,
    },
    tags,
    description: spec.description,
    columns: buildColumns(spec.columns, spec.sensitivity, false),
    meta,
    group: spec.domain,
    docs,
    patch_path: `${projectName}://seeds/_seeds.yml`,
    build_path: null,
    unrendered_config: { schema: seedSchema, group: spec.domain },
    created_at: ctx.clock(),
    relation_name: relationName(modelsDatabase, seedSchema, spec.name),
    raw_code: '',
    root_path: rootPath,
    depends_on: { macros: [] },
  };
}

export function buildSnapshotNode(spec: SnapshotSpec, ctx: NodeContext): SnapshotNode {
  const meta = datasetMeta({ ...spec, technical: false });
  const tags = datasetTags(spec.domain, ['snapshot'], spec.tags ?? [], spec.columns);
  const strategyConfig: Record<string, string | readonly string[]> = {
    target_schema: snapshotSchema,
    unique_key: spec.uniqueKey,
    strategy: spec.strategy,
    ...(spec.updatedAt === undefined ? {} : { updated_at: spec.updatedAt }),
    ...(spec.checkCols === undefined ? {} : { check_cols: spec.checkCols }),
  };
  const rawCode = snapshotSql(spec.name, spec.source, strategyConfig);
  return {
    database: modelsDatabase,
    schema: snapshotSchema,
    name: spec.name,
    resource_type: 'snapshot',
    package_name: projectName,
    path: `${spec.name}.sql`,
    original_file_path: `snapshots/${spec.name}.sql`,
    unique_id: `snapshot.${projectName}.${spec.name}`,
    fqn: [projectName, spec.name, spec.name],
    alias: spec.name,
    checksum: { name: 'sha256', checksum: sha256(rawCode) },
    config: {
      ...baseConfig('snapshot', tags, meta, spec.domain, snapshotSchema),
      unique_key: spec.uniqueKey,
      strategy: spec.strategy,
      target_schema: snapshotSchema,
      target_database: null,
      updated_at: spec.updatedAt ?? null,
      check_cols: spec.checkCols === undefined ? null : [...spec.checkCols],
    },
    tags,
    description: spec.description,
    columns: buildColumns(spec.columns, spec.sensitivity, false),
    meta,
    group: spec.domain,
    docs,
    patch_path: `${projectName}://snapshots/_snapshots.yml`,
    build_path: null,
    unrendered_config: {
      target_schema: snapshotSchema,
      unique_key: spec.uniqueKey,
      strategy: spec.strategy,
      group: spec.domain,
    },
    created_at: ctx.clock(),
    relation_name: relationName(modelsDatabase, snapshotSchema, spec.name),
    raw_code: rawCode,
    language: 'sql',
    refs: [],
    sources: [[spec.source[0], spec.source[1]]],
    metrics: [],
    depends_on: { macros: [], nodes: [ctx.sourceId(spec.source[0], spec.source[1])] },
    compiled_path: null,
    contract: { enforced: false, alias_types: true, checksum: null },
  };
}
