import type { Domain, SourceSystemSpec, TableSpec } from '../types.ts';
import { buildColumns } from './columns.ts';
import { datasetMeta, datasetTags } from './dataset-meta.ts';
import type { SourceNode } from './manifest-types.ts';
import { projectName, rawDatabase, relationName } from './project.ts';

export function sourceId(source: string, table: string): string {
  return `source.${projectName}.${source}.${table}`;
}

export function buildSourceNode(
  system: SourceSystemSpec,
  table: TableSpec,
  domain: Domain,
  clock: () => number,
): SourceNode {
  const meta = datasetMeta({ ...table, domain, technical: true });
  const tags = datasetTags(domain, ['raw', system.loader], table.tags ?? [], table.columns);
  const file = `models/staging/${system.sourceName}/_${system.sourceName}__sources.yml`;
  return {
    database: rawDatabase,
    schema: system.sourceName,
    name: table.name,
    resource_type: 'source',
    package_name: projectName,
    path: file,
    original_file_path: file,
    unique_id: sourceId(system.sourceName, table.name),
    fqn: [projectName, 'staging', system.sourceName, system.sourceName, table.name],
    source_name: system.sourceName,
    source_description: system.description,
    loader: system.loader,
    identifier: table.name,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: system.loadedAtField,
    freshness: system.nightly
      ? { warn_after: { count: 2, period: 'day' }, error_after: { count: 3, period: 'day' }, filter: null }
      : {
          warn_after: { count: 12, period: 'hour' },
          error_after: { count: 24, period: 'hour' },
          filter: null,
        },
    external: null,
    description: table.description,
    columns: buildColumns(table.columns, table.sensitivity, false),
    meta,
    source_meta: { system: system.system },
    tags,
    config: { enabled: true },
    patch_path: null,
    unrendered_config: {},
    relation_name: relationName(rawDatabase, system.sourceName, table.name),
    created_at: clock(),
  };
}
