import { z } from 'zod';

/**
 * The parts of a dbt manifest (schema v10 to v12) that aperture reads. dbt adds fields between
 * versions: unknown keys are accepted and dropped (z.object strips them, which also keeps memory
 * low on manifests with 100,000s of columns); what we use is checked.
 */
export const supportedManifestVersions = [10, 11, 12] as const;

const meta = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((value) => value ?? {});
const tags = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .transform((value) => (value == null ? [] : Array.isArray(value) ? value : [value]));
const text = z
  .string()
  .nullish()
  .transform((value) => value ?? null);
const config = z
  .looseObject({ meta, tags, materialized: z.string().nullish(), enabled: z.boolean().nullish() })
  .nullish()
  .transform((value) => value ?? { meta: {}, tags: [] as string[], materialized: null, enabled: true });

const column = z.object({
  name: z.string().min(1),
  description: text,
  data_type: text,
  meta,
  tags,
  config: z.object({ meta, tags }).nullish(),
  constraints: z.array(z.object({ type: z.string() })).nullish(),
});

export const manifestNodeSchema = z.object({
  unique_id: z.string().min(1),
  resource_type: z.string(),
  name: z.string().min(1),
  alias: text,
  database: text,
  schema: z.string().min(1),
  description: text,
  columns: z
    .record(z.string(), column)
    .nullish()
    .transform((value) => value ?? {}),
  meta,
  tags,
  config,
  group: text,
  package_name: z.string().nullish(),
  primary_key: z.array(z.string()).nullish(),
});

export const manifestSourceSchema = z.object({
  unique_id: z.string().min(1),
  name: z.string().min(1),
  source_name: z.string().min(1),
  identifier: text,
  database: text,
  schema: z.string().min(1),
  description: text,
  source_description: text,
  columns: z
    .record(z.string(), column)
    .nullish()
    .transform((value) => value ?? {}),
  meta,
  source_meta: meta,
  tags,
  config,
  loader: text,
});

const namedReference = z.union([
  z.string().transform((name) => ({ name })),
  z.object({ name: z.string().min(1) }),
]);

const semanticItem = z.object({
  name: z.string().min(1),
  type: z.string().nullish(),
  expr: text,
  description: text,
});

export const semanticModelSchema = z.object({
  unique_id: z.string().min(1),
  name: z.string().min(1),
  description: text,
  model: z.string().nullish(),
  node_relation: z
    .looseObject({ alias: z.string(), schema_name: z.string(), database: text, relation_name: text })
    .nullish(),
  depends_on: z.object({ nodes: z.array(z.string()).default([]) }).nullish(),
  entities: z.array(semanticItem).default([]),
  dimensions: z.array(semanticItem).default([]),
  measures: z.array(semanticItem.extend({ agg: z.string().nullish() })).default([]),
});

export const metricSchema = z.object({
  unique_id: z.string().min(1),
  name: z.string().min(1),
  label: text,
  description: text,
  type: z.string().min(1),
  type_params: z.preprocess(
    (value) => value ?? {},
    z.object({
      measure: namedReference.nullish(),
      input_measures: z.array(namedReference).nullish(),
      numerator: namedReference.nullish(),
      denominator: namedReference.nullish(),
      expr: text,
      metrics: z.array(namedReference).nullish(),
    }),
  ),
  filter: z.unknown().optional(),
  depends_on: z.object({ nodes: z.array(z.string()).default([]) }).nullish(),
  meta,
  tags,
  config,
  group: text,
});

export const docSchema = z.object({
  unique_id: z.string().min(1),
  name: z.string().min(1),
  package_name: z.string().nullish(),
  block_contents: z.string(),
});

export const groupSchema = z.object({
  name: z.string().min(1),
  // dbt 1.10 allows several owner emails; the first is the owner.
  owner: z
    .looseObject({
      email: z
        .union([z.string(), z.array(z.string())])
        .nullish()
        .transform((email) => (Array.isArray(email) ? (email[0] ?? null) : (email ?? null))),
      name: text,
    })
    .nullish(),
});

const record = <T extends z.ZodType>(item: T) =>
  z
    .record(z.string(), item)
    .nullish()
    .transform((value) => value ?? ({} as Record<string, z.output<T>>));

export const manifestSchema = z.object({
  metadata: z.object({
    dbt_schema_version: z.string(),
    dbt_version: z.string().nullish(),
    project_name: z.string().nullish(),
    project_id: z.string().nullish(),
  }),
  // Nodes are validated one by one (only models, seeds and snapshots), see read-manifest.ts.
  nodes: z.record(z.string(), z.unknown()),
  sources: record(manifestSourceSchema),
  semantic_models: record(semanticModelSchema),
  metrics: record(metricSchema),
  docs: record(docSchema),
  groups: record(groupSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestNode = z.infer<typeof manifestNodeSchema>;
export type ManifestSource = z.infer<typeof manifestSourceSchema>;
export type SemanticModel = z.infer<typeof semanticModelSchema>;
export type ManifestMetric = z.infer<typeof metricSchema>;
export type ManifestGroup = z.infer<typeof groupSchema>;
