import { z } from 'zod';
import type { SliceCatalogReader } from '../../policy/slice/slice-catalog-reader.ts';
import type { ToolAnswer } from '../budget/fit-to-budget.ts';
import { columnSchema, joinSchema, maskSchema, requestableSchema, tierSchema } from './catalog-shapes.ts';
import { trimmedSchema } from './trimmed.ts';

/** What describe_object shows of each kind of object; at DISCOVER only what GraphQL shows there. */

/** A field a continuation page (one asked for with `columns_cursor`) leaves out: the first page had it. */
const firstPage = <T extends z.ZodType>(schema: T) => schema.optional();

const common = {
  tier: tierSchema,
  requestable: requestableSchema,
  sensitivity: z.string().describe('PUBLIC, INTERNAL, CONFIDENTIAL or RESTRICTED.'),
  tags: firstPage(z.array(z.string())),
  domain: firstPage(z.string().nullable()),
  owner: firstPage(z.string().nullable().describe('The owner’s email.')),
  description: firstPage(z.string().nullable()),
};

export const describedDatasetSchema = z.object({
  path: z.string().describe('`source.schema.dataset`'),
  name: z.string(),
  kind: z.string().describe('TABLE, VIEW, MODEL, SOURCE, SEED or SNAPSHOT.'),
  ...common,
  stewards: firstPage(z.array(z.string())),
  rowFilter: z
    .string()
    .nullable()
    .describe(
      'READ: the rows you may see, as a SQL predicate with the values of the person you act for; null: all rows (or not READ).',
    ),
  joinPaths: firstPage(z.array(joinSchema).describe('READ: how this dataset joins other readable datasets.')),
  columnsTotal: z.number().int().describe('How many columns you may see (READ only; none at DISCOVER).'),
  columnsFrom: z.number().int().describe('Position (0-based) of the first column shown in this answer.'),
  columns: z.array(columnSchema),
});

export const describedColumnSchema = z.object({
  path: z.string().describe('`source.schema.dataset.column`'),
  dataset: z.string(),
  name: z.string(),
  type: z.string().nullable(),
  tier: tierSchema,
  description: z.string().nullable(),
  tags: z.array(z.string()),
  sensitivity: z.string().nullable().describe('Set when the column is more sensitive than its dataset.'),
  primaryKey: z.boolean(),
  mask: maskSchema.nullable().describe('Null: values as stored.'),
});

export const describedMetricSchema = z.object({
  name: z.string(),
  label: z.string().nullable(),
  type: z.string().describe('simple, ratio, derived, cumulative or conversion.'),
  ...common,
  definition: firstPage(
    z
      .string()
      .nullable()
      .describe(
        'READ: the metric definition as imported (JSON text); null below READ (it names what the metric reads).',
      ),
  ),
  dependenciesTotal: z.number().int(),
  dependenciesFrom: z.number().int(),
  dependsOn: z
    .object({ datasets: z.array(z.string()), columns: z.array(z.string()), metrics: z.array(z.string()) })
    .describe('READ: the datasets and columns it reads and the metrics it is computed from.'),
});

export const describedTermSchema = z
  .object({
    name: z.string(),
    ...common,
    summary: firstPage(z.string().describe('A short description: the first sentence of the definition.')),
    definition: firstPage(z.string().nullable().describe('The full definition; null below READ.')),
    relatedTotal: z.number().int(),
    relatedFrom: z.number().int(),
    relatedMetrics: z.array(z.string()).describe('READ: metrics this term is about.'),
    relatedColumns: z.array(z.string()).describe('READ: columns this term is about.'),
  })
  .omit({ description: true });

/**
 * describe_object's answer. A continuation (asked for with `columns_cursor`) repeats only what
 * identifies the object and its list; description, tags, owner, definition and join paths are on
 * the first page.
 */
export const describeOutputSchema = z.object({
  kind: z.enum(['dataset', 'column', 'metric', 'glossary']),
  dataset: describedDatasetSchema.optional(),
  column: describedColumnSchema.optional(),
  metric: describedMetricSchema.optional(),
  glossaryTerm: describedTermSchema.optional(),
  trimmed: trimmedSchema,
});

export type DescribeOutput = z.infer<typeof describeOutputSchema>;

/** What every describer gets: the caller's slice, the budget, where to resume and how to say it. */
export interface DescribeScope {
  catalog: SliceCatalogReader;
  budget: number;
  /** The item of the object's list this answer starts at (from `columns_cursor`). */
  offset: number;
  /** The cursor resuming at `offset` and the sentence telling how to use it. */
  continueAt(offset: number): { cursor: string; next: string };
}

export type DescribeAnswer = ToolAnswer<DescribeOutput>;

export async function domainName(
  catalog: SliceCatalogReader,
  domainId: string | null,
): Promise<string | null> {
  return domainId ? ((await catalog.domainById(domainId))?.name ?? null) : null;
}

/** `key value` parts of a header line, without the empty ones. */
export function headerParts(parts: Record<string, string | null | undefined>): string {
  return Object.entries(parts)
    .filter(([, value]) => value)
    .map(([key, value]) => (key ? `${key} ${value}` : value))
    .join('; ');
}
