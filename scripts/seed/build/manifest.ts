import { financeCatalog } from '../catalog/finance.ts';
import { hrCatalog } from '../catalog/hr.ts';
import { marketingCatalog } from '../catalog/marketing.ts';
import { productCatalog } from '../catalog/product.ts';
import { seeds, snapshots } from '../catalog/reference.ts';
import { salesCatalog } from '../catalog/sales.ts';
import { supportCatalog } from '../catalog/support.ts';
import { exposureSpecs } from '../exposures.ts';
import { glossary } from '../glossary.ts';
import { metricSpecs } from '../semantic/metrics.ts';
import { semanticModelSpecs } from '../semantic/semantic-models.ts';
import type { DomainCatalog, ModelSpec, Person, SourceSystemSpec } from '../types.ts';
import { buildDocs } from './docs.ts';
import { buildExposure } from './exposures.ts';
import { buildGroups } from './groups.ts';
import type { Manifest, ManifestNode, ModelNode, SourceNode } from './manifest-types.ts';
import { buildGroupMap, buildParentChildMaps } from './maps.ts';
import { buildMetric } from './metrics.ts';
import {
  buildModelNode,
  buildSeedNode,
  buildSnapshotNode,
  type ModelInput,
  type NodeContext,
} from './nodes.ts';
import { createClock, dbtVersion, generatedAt, md5, projectName, stableUuid } from './project.ts';
import { buildSemanticModel } from './semantic.ts';
import { buildSourceNode, sourceId } from './sources.ts';
import { martSql } from './sql.ts';
import { deriveStaging, stagingName } from './staging.ts';

export const catalogs: readonly DomainCatalog[] = [
  salesCatalog,
  financeCatalog,
  hrCatalog,
  marketingCatalog,
  supportCatalog,
  productCatalog,
];

function byId<T extends { unique_id: string }>(items: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) {
    if (out[item.unique_id] !== undefined) throw new Error(`duplicate unique_id ${item.unique_id}`);
    out[item.unique_id] = item;
  }
  return out;
}

function refRegistry(): Map<string, string> {
  const ids = new Map<string, string>();
  const add = (resource: string, name: string): void => {
    if (ids.has(name)) throw new Error(`duplicate node name ${name}`);
    ids.set(name, `${resource}.${projectName}.${name}`);
  };
  for (const seed of seeds) add('seed', seed.name);
  for (const catalog of catalogs) {
    for (const staging of catalog.staging) add('model', stagingName(staging.source, staging.table));
    for (const mart of catalog.marts) add('model', mart.name);
  }
  for (const snapshot of snapshots) add('snapshot', snapshot.name);
  return ids;
}

function martInput(spec: ModelSpec, catalog: DomainCatalog): ModelInput {
  const refs = spec.refs ?? [];
  const timeColumn = spec.columns.find(([, type]) => type === 'date' || type === 'timestamptz')?.[0];
  const incremental =
    spec.materialized === 'incremental' && spec.uniqueKey !== undefined && timeColumn !== undefined
      ? { uniqueKey: spec.uniqueKey, timeColumn }
      : null;
  return {
    name: spec.name,
    domain: catalog.domain,
    schema: catalog.domain,
    dir: `marts/${catalog.domain}`,
    description: spec.description,
    sensitivity: spec.sensitivity,
    layerTags: [],
    tags: spec.tags ?? [],
    owner: spec.owner,
    stewards: spec.stewards,
    technical: false,
    columns: spec.columns,
    materialized: spec.materialized,
    access: spec.access ?? 'public',
    uniqueKey: spec.uniqueKey ?? null,
    contract: spec.contract ?? false,
    rawCode: martSql(
      refs,
      spec.columns.map(([name]) => name),
      incremental,
    ),
    refs,
    sources: spec.sources ?? [],
  };
}

export function buildManifest(people: readonly Person[]): Manifest {
  const clock = createClock();
  const systems: { system: SourceSystemSpec; catalog: DomainCatalog }[] = catalogs.flatMap((catalog) =>
    catalog.sources.map((system) => ({ system, catalog })),
  );

  const sourceNodes: SourceNode[] = systems.flatMap(({ system, catalog }) =>
    system.tables.map((table) => buildSourceNode(system, table, catalog.domain, clock)),
  );
  const sourceIds = new Set(sourceNodes.map((s) => s.unique_id));
  const refIds = refRegistry();
  const ctx: NodeContext = {
    clock,
    refId: (name) => {
      const id = refIds.get(name);
      if (id === undefined) throw new Error(`ref('${name}') does not resolve`);
      return id;
    },
    sourceId: (source, table) => {
      const id = sourceId(source, table);
      if (!sourceIds.has(id)) throw new Error(`source('${source}', '${table}') does not resolve`);
      return id;
    },
  };

  const findTable = (source: string, table: string) => {
    for (const { system } of systems) {
      const found = system.sourceName === source ? system.tables.find((t) => t.name === table) : undefined;
      if (found !== undefined) return found;
    }
    throw new Error(`no source table ${source}.${table}`);
  };

  const stagingNodes: ModelNode[] = catalogs.flatMap((catalog) =>
    catalog.staging.map((spec) => {
      const derived = deriveStaging(spec, findTable(spec.source, spec.table));
      return buildModelNode(
        {
          name: derived.name,
          domain: catalog.domain,
          schema: 'staging',
          dir: `staging/${spec.source}`,
          description: derived.description,
          sensitivity: derived.sensitivity,
          layerTags: ['staging'],
          tags: derived.tags,
          owner: derived.owner,
          stewards: derived.stewards,
          technical: true,
          columns: derived.columns,
          materialized: 'view',
          access: 'protected',
          uniqueKey: null,
          contract: false,
          rawCode: derived.rawCode,
          refs: [],
          sources: [[spec.source, spec.table]],
        },
        ctx,
      );
    }),
  );
  const martNodes: ModelNode[] = catalogs.flatMap((catalog) =>
    catalog.marts.map((spec) => buildModelNode(martInput(spec, catalog), ctx)),
  );
  const nodes: ManifestNode[] = [
    ...seeds.map((spec) => buildSeedNode(spec, ctx)),
    ...stagingNodes,
    ...martNodes,
    ...snapshots.map((spec) => buildSnapshotNode(spec, ctx)),
  ];

  const semanticModels = semanticModelSpecs.map((spec) => {
    const model = martNodes.find((node) => node.name === spec.model);
    if (model === undefined) throw new Error(`semantic model ${spec.name}: no mart ${spec.model}`);
    return buildSemanticModel(spec, model, clock);
  });
  const measureOwner = new Map<string, string>();
  for (const spec of semanticModelSpecs) {
    for (const [measure] of spec.measures) {
      if (measureOwner.has(measure)) throw new Error(`duplicate measure ${measure}`);
      measureOwner.set(measure, spec.name);
    }
  }
  const metricByName = new Map(metricSpecs.map((spec) => [spec.name, spec]));
  if (metricByName.size !== metricSpecs.length) throw new Error('duplicate metric name');
  const metrics = metricSpecs.map((spec) => buildMetric(spec, { clock, measureOwner, specs: metricByName }));
  const exposures = exposureSpecs.map((spec) => buildExposure(spec, people, ctx.refId, clock));

  const { parent_map, child_map } = buildParentChildMaps([
    ...nodes,
    ...sourceNodes,
    ...exposures,
    ...metrics,
    ...semanticModels,
  ]);

  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      dbt_version: dbtVersion,
      generated_at: generatedAt,
      invocation_id: stableUuid(`${projectName}:${generatedAt}`),
      env: {},
      project_name: projectName,
      project_id: md5(projectName),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: 'postgres',
    },
    nodes: byId(nodes),
    sources: byId(sourceNodes),
    macros: {},
    docs: buildDocs(glossary),
    exposures: byId(exposures),
    metrics: byId(metrics),
    groups: buildGroups(people),
    selectors: {},
    disabled: {},
    parent_map,
    child_map,
    group_map: buildGroupMap([...nodes, ...semanticModels, ...metrics]),
    saved_queries: {},
    semantic_models: byId(semanticModels),
    unit_tests: {},
  };
}
