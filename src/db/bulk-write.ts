import type { Prisma } from '../../generated/prisma/client.ts';

/** How a field is sent through JSON and cast back to its column type. */
export type FieldType = 'text' | 'integer' | 'boolean' | 'jsonb' | 'uuid' | 'text[]' | { enum: string };

export type FieldTypes = Record<string, FieldType>;

/** A table written in bulk: its writable fields (besides `id`) and whether it has `updatedAt`. */
export interface TableSpec {
  table: string;
  fields: FieldTypes;
  hasUpdatedAt: boolean;
}

/** A table without an `id` column (a join table keyed by its fields), written by bulkInsertKeyless. */
export interface KeylessTableSpec {
  table: string;
  fields: FieldTypes;
}

type Row = { id: string } & Record<string, unknown>;

const chunkSize = 2_000;

function recordsetColumn(name: string, type: FieldType): string {
  if (type === 'text[]' || type === 'jsonb') return `"${name}" jsonb`;
  if (typeof type === 'object') return `"${name}" text`;
  return `"${name}" ${type}`;
}

function valueExpression(name: string, type: FieldType): string {
  if (type === 'text[]') return `ARRAY(SELECT jsonb_array_elements_text(u."${name}"))`;
  if (typeof type === 'object') return `u."${name}"::"${type.enum}"`;
  return `u."${name}"`;
}

/**
 * Updates many rows by id with one statement per chunk: rows travel as a single JSON parameter
 * and `jsonb_to_recordset` turns them back into typed columns. Table and field names come from
 * our code, never from input.
 */
export async function bulkUpdate(
  tx: Prisma.TransactionClient,
  { table, fields, hasUpdatedAt }: TableSpec,
  rows: readonly Row[],
): Promise<void> {
  const names = Object.keys(fields);
  const assignments = names.map((name) => `"${name}" = ${valueExpression(name, fields[name]!)}`);
  if (hasUpdatedAt) assignments.push(`"updatedAt" = now()`);
  const recordset = ['"id" uuid', ...names.map((name) => recordsetColumn(name, fields[name]!))].join(', ');
  const sql = `UPDATE "${table}" AS t SET ${assignments.join(', ')}
    FROM jsonb_to_recordset($1::jsonb) AS u(${recordset}) WHERE t."id" = u."id"`;
  for (let start = 0; start < rows.length; start += chunkSize) {
    await tx.$executeRawUnsafe(sql, JSON.stringify(rows.slice(start, start + chunkSize)));
  }
}

/**
 * Inserts many rows with one statement per chunk (see bulkUpdate). Faster than createMany for
 * hundreds of thousands of rows because it binds one parameter instead of one per value.
 */
export async function bulkInsert(
  tx: Prisma.TransactionClient,
  { table, fields, hasUpdatedAt }: TableSpec,
  rows: readonly Row[],
): Promise<void> {
  await insertRows(tx, table, { id: 'uuid', ...fields }, hasUpdatedAt, rows);
}

/** bulkInsert for a table without an `id` column. */
export async function bulkInsertKeyless(
  tx: Prisma.TransactionClient,
  { table, fields }: KeylessTableSpec,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  await insertRows(tx, table, fields, false, rows);
}

async function insertRows(
  tx: Prisma.TransactionClient,
  table: string,
  all: FieldTypes,
  hasUpdatedAt: boolean,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const names = Object.keys(all);
  const timestamp = hasUpdatedAt ? ', "updatedAt"' : '';
  const columns = names.map((name) => `"${name}"`).join(', ') + timestamp;
  const values =
    names.map((name) => valueExpression(name, all[name]!)).join(', ') + (hasUpdatedAt ? ', now()' : '');
  const recordset = names.map((name) => recordsetColumn(name, all[name]!)).join(', ');
  const sql = `INSERT INTO "${table}" (${columns}) SELECT ${values} FROM jsonb_to_recordset($1::jsonb) AS u(${recordset})`;
  for (let start = 0; start < rows.length; start += chunkSize) {
    await tx.$executeRawUnsafe(sql, JSON.stringify(rows.slice(start, start + chunkSize)));
  }
}
