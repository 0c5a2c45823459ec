import { z } from 'zod';
import type { Column, JoinPath, ObjectAccess } from '../../catalog/read/catalog-reader.ts';
import type { SliceCatalogReader } from '../../policy/slice/slice-catalog-reader.ts';
import { clipField, oneLine } from './clip.ts';

/** The shapes catalog tools share, with their one-line renderings; fields as GraphQL shows them. */

export const tierSchema = z
  .enum(['DISCOVER', 'READ'])
  .describe(
    'DISCOVER: only name, description, owner, tags and sensitivity are shown. READ: everything permitted.',
  );

export const requestableSchema = z
  .boolean()
  .describe('True when you may ask for more with request_access (the object is shown at DISCOVER only).');

export const maskSchema = z
  .object({
    method: z
      .string()
      .describe('hash, redact, null, partial (keepLast characters stay), year or expression.'),
    keepLast: z.number().int().nullable(),
    expression: z.string().nullable().describe('For expression masks: SQL over {{column}}.'),
  })
  .describe('How the values reach you masked.');

export type MaskShape = z.infer<typeof maskSchema>;

export function maskShape(
  mask: ObjectAccess['mask'],
  maxText: number,
  cuts: Map<string, number>,
): MaskShape | null {
  if (!mask) return null;
  return {
    method: mask.method,
    keepLast: mask.keepLast ?? null,
    expression: clipField(mask.expression ?? null, maxText, 'mask expression', cuts),
  };
}

export function maskText(mask: MaskShape | null): string {
  if (!mask) return '';
  if (mask.method === 'partial') return ` masked partial (last ${mask.keepLast} kept)`;
  if (mask.method === 'expression') return ` masked as ${mask.expression}`;
  return ` masked ${mask.method}`;
}

export const joinSchema = z
  .object({
    kind: z.enum(['FOREIGN_KEY', 'SEMANTIC_ENTITY']),
    name: z.string().nullable(),
    from: z.string().describe('Dataset path.'),
    fromColumns: z.array(z.string()),
    to: z.string().describe('Dataset path.'),
    toColumns: z.array(z.string()),
  })
  .describe('How two datasets join: from.fromColumns = to.toColumns.');

export type JoinShape = z.infer<typeof joinSchema>;

/** Join paths with their datasets' paths (the reader hands out only joins of readable datasets). */
export async function joinShapes(
  catalog: SliceCatalogReader,
  joins: readonly JoinPath[],
): Promise<JoinShape[]> {
  const shapes = await Promise.all(
    joins.map(async (join) => {
      const [from, to] = await Promise.all([
        catalog.datasetById(join.fromDatasetId),
        catalog.datasetById(join.toDatasetId),
      ]);
      if (!from || !to) return null;
      return {
        kind: join.kind,
        name: join.name,
        from: from.path,
        fromColumns: join.fromColumns,
        to: to.path,
        toColumns: join.toColumns,
      };
    }),
  );
  return shapes.filter((shape) => shape !== null);
}

export function joinText(join: JoinShape): string {
  const on = join.fromColumns.map(
    (column, index) => `${join.from}.${column} = ${join.to}.${join.toColumns[index] ?? '?'}`,
  );
  return `join ${on.join(' and ')} (${join.kind.toLowerCase().replace('_', ' ')}${join.name ? ` ${join.name}` : ''})`;
}

/** A column of a readable dataset: what text-to-SQL needs first. */
export const sqlColumnSchema = z.object({
  name: z.string(),
  type: z.string().nullable().describe('The data type as the source declares it; null when unknown.'),
  mask: maskSchema.nullable().describe('Null: values as stored.'),
});

export type SqlColumnShape = z.infer<typeof sqlColumnSchema>;

export function sqlColumnShape(
  catalog: SliceCatalogReader,
  column: Column,
  maxText: number,
  cuts: Map<string, number>,
): SqlColumnShape {
  return {
    name: column.name,
    type: column.dataType,
    mask: maskShape(catalog.access(column.id).mask, maxText, cuts),
  };
}

export function sqlColumnText(column: SqlColumnShape): string {
  return `  ${column.name} ${column.type ?? '?'}${maskText(column.mask)}`;
}

/** A column as describe_object shows it. */
export const columnSchema = sqlColumnSchema.extend({
  description: z.string().nullable(),
  primaryKey: z.boolean(),
});

export type ColumnShape = z.infer<typeof columnSchema>;

export function columnShape(
  catalog: SliceCatalogReader,
  column: Column,
  maxText: number,
  cuts: Map<string, number>,
): ColumnShape {
  return {
    ...sqlColumnShape(catalog, column, maxText, cuts),
    description: clipField(
      column.description && oneLine(column.description),
      maxText,
      'column descriptions',
      cuts,
    ),
    primaryKey: column.isPrimaryKey,
  };
}

export function columnText(column: ColumnShape): string {
  return `${sqlColumnText(column)}${column.primaryKey ? ' primary key' : ''}${column.description ? ` — ${column.description}` : ''}`;
}

/** The argument that names one catalog object, as describe_object and explain_access take it. */
export const objectPathArgument = z
  .string()
  .trim()
  .min(1)
  .max(1_000)
  .describe(
    'A dataset or column path (`source.schema.dataset[.column]`), a metric name, or a glossary term (`glossary:<name>` or its name).',
  );
