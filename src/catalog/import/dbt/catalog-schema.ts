import { z } from 'zod';

/**
 * The parts of a dbt catalog.json (schema v1, written by `dbt docs generate` since dbt 0.19 and
 * unchanged since) that aperture reads: every relation's columns as the warehouse reports them.
 * Unknown keys (`stats`, `owner`, ...) are dropped; what we use is checked.
 */
export const supportedCatalogVersions = [1] as const;

const text = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

const catalogColumnSchema = z.object({
  name: z.string().min(1),
  type: z.string(),
  index: z.number().int(),
  comment: text,
});

const catalogTableSchema = z.object({
  metadata: z.object({
    type: z.string(),
    database: text,
    schema: z.string(),
    name: z.string(),
    comment: text,
  }),
  columns: z.record(z.string(), catalogColumnSchema),
  unique_id: text,
});

export const catalogSchema = z.object({
  metadata: z.object({ dbt_schema_version: z.string(), dbt_version: z.string().nullish() }),
  /** Models, seeds and snapshots by unique_id. */
  nodes: z.record(z.string(), catalogTableSchema),
  /** Sources by unique_id. */
  sources: z.record(z.string(), catalogTableSchema),
  /** Relations `dbt docs generate` could not describe. */
  errors: z
    .array(z.string())
    .nullish()
    .transform((value) => value ?? []),
});

export type DbtCatalog = z.infer<typeof catalogSchema>;
export type CatalogTable = z.infer<typeof catalogTableSchema>;
export type CatalogColumn = z.infer<typeof catalogColumnSchema>;
