/**
 * Writes a synthetic dbt manifest (schema v12) with N models of M columns each, plus semantic
 * models and metrics, for the import benchmark.
 *
 *   tsx bench/company/generate-large-manifest.ts <out.json> [models=10000] [columnsPerModel=20] [metrics=500]
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

const [out, modelsArg = '10000', columnsArg = '20', metricsArg = '500'] = process.argv.slice(2);
if (!out) {
  console.error('usage: generate-large-manifest.ts <out.json> [models] [columnsPerModel]');
  process.exit(2);
}
const models = Number(modelsArg);
const columnsPerModel = Number(columnsArg);
const domains = ['sales', 'finance', 'hr', 'marketing', 'support'];
const sensitivities = ['public', 'internal', 'confidential', 'restricted'];
const types = ['bigint', 'text', 'numeric(12,2)', 'timestamp with time zone', 'boolean', 'date'];

const stream = createWriteStream(out);
async function write(text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

function model(index: number): [string, unknown] {
  const domain = domains[index % domains.length]!;
  const name = `model_${index}`;
  const id = `model.bench.${name}`;
  const columns: Record<string, unknown> = {};
  for (let c = 0; c < columnsPerModel; c += 1) {
    const column = c === 0 ? 'id' : `column_${c}`;
    columns[column] = {
      name: column,
      description: `Column ${c} of ${name}: a realistic sentence describing what the values mean.`,
      meta: c % 7 === 3 ? { sensitivity: 'confidential' } : {},
      data_type: types[c % types.length],
      constraints: c === 0 ? [{ type: 'primary_key' }] : [],
      quote: null,
      tags: c % 7 === 3 ? ['pii', 'pii:email'] : [],
    };
  }
  const meta = { domain, owner: `owner${index % 50}@bench.example`, sensitivity: sensitivities[index % 4] };
  return [
    id,
    {
      unique_id: id,
      resource_type: 'model',
      package_name: 'bench',
      name,
      alias: name,
      database: 'warehouse',
      schema: domain,
      fqn: ['bench', domain, name],
      relation_name: `"warehouse"."${domain}"."${name}"`,
      description: `Model ${index} of the benchmark project.`,
      columns,
      meta,
      tags: [domain, index % 3 === 0 ? 'daily' : 'hourly'],
      config: { enabled: true, materialized: 'table', tags: [], meta },
      depends_on: { macros: [], nodes: [] },
      group: null,
      access: 'protected',
    },
  ];
}

const metricCount = Math.min(Number(metricsArg), models);
await write(
  `{"metadata":{"dbt_schema_version":"https://schemas.getdbt.com/dbt/manifest/v12.json","dbt_version":"1.8.7","generated_at":"2026-11-22T00:00:00Z","invocation_id":"bench","project_name":"bench","adapter_type":"postgres"},"nodes":{`,
);
for (let index = 0; index < models; index += 1) {
  const [id, node] = model(index);
  await write(`${index === 0 ? '' : ','}${JSON.stringify(id)}:${JSON.stringify(node)}`);
}
const semanticModels: Record<string, unknown> = {};
const metrics: Record<string, unknown> = {};
for (let index = 0; index < metricCount; index += 1) {
  const name = `model_${index}`;
  semanticModels[`semantic_model.bench.sm_${index}`] = {
    unique_id: `semantic_model.bench.sm_${index}`,
    name: `sm_${index}`,
    model: `ref('${name}')`,
    node_relation: {
      alias: name,
      schema_name: domains[index % domains.length],
      database: 'warehouse',
      relation_name: null,
    },
    depends_on: { nodes: [`model.bench.${name}`] },
    entities: [{ name: `entity_${index}`, type: 'primary', expr: 'id' }],
    dimensions: [{ name: 'column_1', type: 'categorical', expr: null }],
    measures: [{ name: `measure_${index}`, agg: 'sum', expr: 'column_2' }],
  };
  metrics[`metric.bench.metric_${index}`] = {
    unique_id: `metric.bench.metric_${index}`,
    name: `metric_${index}`,
    label: `Metric ${index}`,
    description: 'A benchmark metric.',
    type: 'simple',
    type_params: { measure: { name: `measure_${index}` }, input_measures: [{ name: `measure_${index}` }] },
    depends_on: { nodes: [`semantic_model.bench.sm_${index}`] },
    meta: {},
    tags: [],
    config: { enabled: true, meta: {} },
  };
}
await write(
  `},"sources":{},"macros":{},"docs":{},"exposures":{},"metrics":${JSON.stringify(metrics)},"groups":{},"selectors":{},"disabled":{},"parent_map":{},"child_map":{},"group_map":{},"saved_queries":{},"semantic_models":${JSON.stringify(semanticModels)},"unit_tests":{}}`,
);
stream.end();
await once(stream, 'finish');
console.log(`wrote ${out}: ${models} models, ${models * columnsPerModel} columns, ${metricCount} metrics`);
