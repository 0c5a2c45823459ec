import { writeFile } from 'node:fs/promises';

/**
 * A small dbt project built to overflow any answer: a very wide table (600 columns) with long,
 * multi-line descriptions, a hub joined to 40 spokes, a derived metric over 200 metrics with a
 * long description, and a glossary term with a very long definition. Domain `wide`, public.
 */
export const wide = {
  database: 'warehouse',
  schema: 'wide',
  hub: 'warehouse.wide.wide_hub',
  /** Narrower tables (150 columns) for get_sql_context, wide_two joined to the first two spokes. */
  others: ['warehouse.wide.wide_two', 'warehouse.wide.wide_three'],
  columns: 600,
  otherColumns: 150,
  spokes: 40,
  baseMetrics: 200,
  derivedMetric: 'wide_total',
  /** Columns tagged so a policy can mask them with a long expression. */
  maskedTag: 'wide_masked',
  term: 'Wide term',
};

const sentence = 'A value "quoted" for the wide tables, with a tab\tand a line break\n and some more words. ';
const longText = (characters: number) =>
  sentence.repeat(Math.ceil(characters / sentence.length)).slice(0, characters);
const meta = { domain: 'wide', owner: 'owner@wide.example', sensitivity: 'public' };

function model(name: string, columnCount: number, descriptionLength: number) {
  const columns: Record<string, unknown> = {};
  for (let c = 0; c < columnCount; c += 1) {
    const column = c === 0 ? 'id' : `column_${String(c).padStart(3, '0')}`;
    columns[column] = {
      name: column,
      description: `${column}: ${longText(1_500)}`,
      meta: {},
      data_type: c % 2 === 0 ? 'bigint' : 'character varying(255)',
      constraints: c === 0 ? [{ type: 'primary_key' }] : [],
      tags: c % 10 === 5 ? [wide.maskedTag] : [],
    };
  }
  const id = `model.wide.${name}`;
  return [
    id,
    {
      unique_id: id,
      resource_type: 'model',
      package_name: 'wide',
      name,
      alias: name,
      database: wide.database,
      schema: wide.schema,
      fqn: ['wide', name],
      description: longText(descriptionLength),
      columns,
      meta,
      tags: ['wide', ...Array.from({ length: 30 }, (_, index) => `tag_${index}`)],
      config: { enabled: true, materialized: 'table', tags: [], meta },
      depends_on: { macros: [], nodes: [] },
    },
  ] as const;
}

function semanticModel(name: string, table: string, entities: unknown[], measures: unknown[] = []) {
  const id = `semantic_model.wide.${name}`;
  return [
    id,
    {
      unique_id: id,
      name,
      model: `ref('${table}')`,
      node_relation: { alias: table, schema_name: wide.schema, database: wide.database, relation_name: null },
      depends_on: { nodes: [`model.wide.${table}`] },
      entities,
      dimensions: [],
      measures,
    },
  ] as const;
}

export function wideManifest(): Record<string, unknown> {
  const spokes = Array.from(
    { length: wide.spokes },
    (_, index) => `wide_spoke_${String(index).padStart(2, '0')}`,
  );
  const nodes = Object.fromEntries([
    model('wide_hub', wide.columns, 50_000),
    model('wide_two', wide.otherColumns, 300),
    model('wide_three', wide.otherColumns, 300),
    ...spokes.map((spoke) => model(spoke, 3, 100)),
  ]);
  const semanticModels = Object.fromEntries([
    semanticModel(
      'sm_hub',
      'wide_hub',
      [
        { name: 'hub', type: 'primary', expr: 'id' },
        ...spokes.map((spoke, index) => ({
          name: spoke,
          type: 'foreign',
          expr: `column_${String(index + 1).padStart(3, '0')}`,
        })),
      ],
      [{ name: 'hub_measure', agg: 'sum', expr: 'column_002' }],
    ),
    semanticModel('sm_two', 'wide_two', [
      { name: spokes[0], type: 'foreign', expr: 'column_001' },
      { name: spokes[1], type: 'foreign', expr: 'column_002' },
    ]),
    ...spokes.map((spoke) =>
      semanticModel(`sm_${spoke}`, spoke, [{ name: spoke, type: 'primary', expr: 'id' }]),
    ),
  ]);
  const metricMeta = { domain: 'wide', owner: 'owner@wide.example', sensitivity: 'public' };
  const bases = Array.from(
    { length: wide.baseMetrics },
    (_, index) => `wide_base_${String(index).padStart(3, '0')}`,
  );
  const metrics = Object.fromEntries([
    ...bases.map((name) => [
      `metric.wide.${name}`,
      {
        unique_id: `metric.wide.${name}`,
        name,
        label: name,
        description: longText(400),
        type: 'simple',
        type_params: { measure: { name: 'hub_measure' }, input_measures: [{ name: 'hub_measure' }] },
        depends_on: { nodes: ['semantic_model.wide.sm_hub'] },
        meta: metricMeta,
        tags: [],
        config: { enabled: true, meta: metricMeta },
      },
    ]),
    [
      `metric.wide.${wide.derivedMetric}`,
      {
        unique_id: `metric.wide.${wide.derivedMetric}`,
        name: wide.derivedMetric,
        label: 'Wide total',
        description: longText(20_000),
        type: 'derived',
        type_params: { expr: bases.join(' + '), metrics: bases.map((name) => ({ name })) },
        depends_on: { nodes: bases.map((name) => `metric.wide.${name}`) },
        meta: metricMeta,
        tags: [],
        config: { enabled: true, meta: metricMeta },
      },
    ],
  ]);
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      dbt_version: '1.8.7',
      generated_at: '2026-11-22T00:00:00Z',
      invocation_id: 'wide',
      project_name: 'wide',
      adapter_type: 'postgres',
    },
    nodes,
    sources: {},
    macros: {},
    docs: {
      'doc.wide.glossary__wide_term': {
        unique_id: 'doc.wide.glossary__wide_term',
        name: 'glossary__wide_term',
        package_name: 'wide',
        block_contents: `# ${wide.term}\n\n${longText(30_000)}`,
      },
    },
    exposures: {},
    metrics,
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: {},
    child_map: {},
    group_map: {},
    saved_queries: {},
    semantic_models: semanticModels,
    unit_tests: {},
  };
}

export async function writeWideManifest(file: string): Promise<void> {
  await writeFile(file, JSON.stringify(wideManifest()));
}
