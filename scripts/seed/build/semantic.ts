import type { SemanticModelSpec } from '../semantic/types.ts';
import type { ModelNode, SemanticModelNode } from './manifest-types.ts';
import { projectName } from './project.ts';

export function semanticModelId(name: string): string {
  return `semantic_model.${projectName}.${name}`;
}

const noConfig = { meta: {} };

export function buildSemanticModel(
  spec: SemanticModelSpec,
  model: ModelNode,
  clock: () => number,
): SemanticModelNode {
  const domain = model.meta.domain;
  const dir = `marts/${domain}`;
  const file = `models/${dir}/_${domain}__semantic_models.yml`;
  return {
    name: spec.name,
    resource_type: 'semantic_model',
    package_name: projectName,
    path: `${dir}/_${domain}__semantic_models.yml`,
    original_file_path: file,
    unique_id: semanticModelId(spec.name),
    fqn: [projectName, 'marts', domain, spec.name],
    model: `ref('${spec.model}')`,
    node_relation: {
      alias: model.alias,
      schema_name: model.schema,
      database: model.database,
      relation_name: model.relation_name,
    },
    description: spec.description,
    label: spec.label,
    defaults: { agg_time_dimension: spec.aggTimeDimension },
    entities: spec.entities.map(([name, type, column]) => ({
      name,
      type,
      description: null,
      label: null,
      role: null,
      expr: column === name ? null : column,
      config: noConfig,
    })),
    measures: spec.measures.map(([name, agg, column, description, nonAdditiveOver]) => ({
      name,
      agg,
      description,
      label: null,
      create_metric: false,
      expr: column,
      agg_params: null,
      non_additive_dimension:
        nonAdditiveOver === undefined
          ? null
          : { name: nonAdditiveOver, window_choice: 'max', window_groupings: [] },
      agg_time_dimension: null,
      config: noConfig,
    })),
    dimensions: spec.dimensions.map(([column, type, description]) => ({
      name: column,
      type,
      description,
      label: null,
      is_partition: false,
      type_params: type === 'time' ? { time_granularity: 'day', validity_params: null } : null,
      expr: null,
      metadata: null,
      config: noConfig,
    })),
    metadata: null,
    depends_on: { macros: [], nodes: [model.unique_id] },
    refs: [{ name: spec.model, package: null, version: null }],
    created_at: clock(),
    config: {
      enabled: true,
      group: domain,
      meta: { domain, owner: model.meta.owner, sensitivity: model.meta.sensitivity },
    },
    unrendered_config: {},
    primary_entity: null,
    group: domain,
  };
}
