import type { ColumnSpec, Sensitivity, SourceSystemSpec, StagingSpec, TableSpec } from '../types.ts';
import { stagingSql } from './sql.ts';

const defaultRenames: Readonly<Record<string, string>> = {
  created_date: 'created_at',
  last_modified_date: 'updated_at',
};
const defaultDrops = ['is_deleted', '_fivetran_synced', '_fivetran_deleted'];

export interface DerivedStaging {
  readonly name: string;
  readonly source: string;
  readonly table: string;
  readonly description: string;
  readonly sensitivity: Sensitivity;
  readonly tags: readonly string[];
  readonly owner: string | undefined;
  readonly stewards: readonly string[] | undefined;
  readonly columns: readonly ColumnSpec[];
  readonly rawCode: string;
}

export function stagingName(source: string, table: string): string {
  return `stg_${source}__${table}`;
}

export function findSourceTable(
  systems: readonly SourceSystemSpec[],
  source: string,
  table: string,
): TableSpec | undefined {
  return systems.find((s) => s.sourceName === source)?.tables.find((t) => t.name === table);
}

/** Columns of a staging model: the source columns renamed, minus drops, plus additions; first column is the key. */
export function deriveStaging(spec: StagingSpec, sourceTable: TableSpec): DerivedStaging {
  const renames = { ...defaultRenames, ...spec.rename };
  const drops = new Set([...defaultDrops, ...(spec.drop ?? [])]);
  const sourceColumns = new Set(sourceTable.columns.map(([name]) => name));
  for (const name of [...Object.keys(spec.rename ?? {}), ...(spec.drop ?? [])]) {
    if (!sourceColumns.has(name)) throw new Error(`${spec.source}.${spec.table}: no column ${name}`);
  }

  const columns: ColumnSpec[] = [];
  const selectLines: string[] = [];
  sourceTable.columns.forEach(([name, dataType, description, opts], index) => {
    if (drops.has(name)) return;
    const target = renames[name] ?? name;
    const pk = index === 0 ? { pk: true } : {};
    columns.push([target, dataType, description, { ...opts, ...pk }]);
    selectLines.push(target === name ? name : `${name} as ${target}`);
  });
  for (const added of spec.add ?? []) {
    const [name, dataType, description, opts] = added;
    const { expr, ...rest } = opts ?? {};
    columns.push([name, dataType, description, rest]);
    selectLines.push(`${expr ?? 'null'} as ${name}`);
  }

  const filters = [
    sourceColumns.has('is_deleted') ? 'not coalesce(is_deleted, false)' : null,
    sourceColumns.has('_fivetran_deleted') ? 'not coalesce(_fivetran_deleted, false)' : null,
    sourceColumns.has('deleted_at') && drops.has('deleted_at') ? 'deleted_at is null' : null,
  ].filter((f): f is string => f !== null);

  const name = stagingName(spec.source, spec.table);
  return {
    name,
    source: spec.source,
    table: spec.table,
    description: spec.description,
    sensitivity: spec.sensitivity ?? sourceTable.sensitivity,
    tags: spec.tags ?? sourceTable.tags ?? [],
    owner: sourceTable.owner,
    stewards: sourceTable.stewards,
    columns,
    rawCode: stagingSql(
      spec.source,
      spec.table,
      selectLines,
      filters.length === 0 ? null : filters.join(' and '),
    ),
  };
}
