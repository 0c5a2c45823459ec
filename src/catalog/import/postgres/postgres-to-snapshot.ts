import { DatasetKind, JoinPathKind } from '../../../../generated/prisma/enums.ts';
import type {
  CatalogSnapshot,
  ColumnSnapshot,
  DatasetSnapshot,
  JoinPathSnapshot,
} from '../../catalog-snapshot.ts';
import { defaultSensitivity } from '../../sensitivity.ts';
import type { ColumnRow, KeyRow, RelationRow } from './introspection-queries.ts';

export interface PostgresCatalog {
  source: string;
  /** The schemas asked for; null when every schema was introspected. */
  schemas: string[] | null;
  input: string;
  relations: RelationRow[];
  columns: ColumnRow[];
  keys: KeyRow[];
}

const relationKinds: Record<RelationRow['kind'], DatasetKind> = {
  r: DatasetKind.TABLE,
  p: DatasetKind.TABLE,
  f: DatasetKind.TABLE,
  v: DatasetKind.VIEW,
  m: DatasetKind.VIEW,
};

const relationLabels: Record<RelationRow['kind'], string> = {
  r: 'table',
  p: 'partitioned table',
  f: 'foreign table',
  v: 'view',
  m: 'materialized view',
};

/**
 * Turns introspected relations into a catalog snapshot. Foreign keys become join paths when both
 * ends were introspected. Sensitivity starts at the default: governance classifies afterwards.
 */
export function postgresToSnapshot(catalog: PostgresCatalog): CatalogSnapshot {
  const relationKey = (schema: string, name: string) => `${schema}.${name}`;
  const primaryKeys = new Map<string, Set<string>>();
  for (const key of catalog.keys) {
    if (key.type === 'p') primaryKeys.set(relationKey(key.schema, key.relation), new Set(key.columns));
  }
  const columnsByRelation = new Map<string, ColumnSnapshot[]>();
  for (const column of catalog.columns) {
    const key = relationKey(column.schema, column.relation);
    const list = columnsByRelation.get(key) ?? [];
    list.push({
      name: column.name,
      dataType: column.data_type,
      description: column.comment,
      tags: [],
      sensitivity: null,
      isPrimaryKey: primaryKeys.get(key)?.has(column.name) ?? false,
      meta: { nullable: !column.not_null },
    });
    columnsByRelation.set(key, list);
  }
  const datasets: DatasetSnapshot[] = catalog.relations.map((relation) => ({
    externalId: `${catalog.source}.${relation.schema}.${relation.name}`,
    source: catalog.source,
    schema: relation.schema,
    name: relation.name,
    kind: relationKinds[relation.kind],
    description: relation.comment,
    tags: [],
    domain: null,
    sensitivity: defaultSensitivity,
    ownerEmail: null,
    stewardEmails: [],
    meta: { relationKind: relationLabels[relation.kind], databaseOwner: relation.owner },
    columns: columnsByRelation.get(relationKey(relation.schema, relation.name)) ?? [],
  }));
  const introspected = new Set(
    catalog.relations.map((relation) => relationKey(relation.schema, relation.name)),
  );
  const joinPaths: JoinPathSnapshot[] = catalog.keys
    .filter((key) => key.type === 'f' && key.ref_schema && key.ref_relation)
    .filter(
      (key) =>
        introspected.has(relationKey(key.schema, key.relation)) &&
        introspected.has(relationKey(key.ref_schema!, key.ref_relation!)),
    )

    .map((key) => ({
      kind: JoinPathKind.FOREIGN_KEY,
      name: key.name,
      fromDatasetPath: `${catalog.source}.${key.schema}.${key.relation}`,
      toDatasetPath: `${catalog.source}.${key.ref_schema}.${key.ref_relation}`,
      fromColumns: key.columns,
      toColumns: key.ref_columns,
    }));
  return {
    origin: `postgres:${catalog.source}`,
    input: catalog.input,
    ...(catalog.schemas ? { scope: catalog.schemas.map((schema) => `${catalog.source}.${schema}.`) } : {}),
    datasets,
    dimensions: [],
    joinPaths,
    metrics: [],
    glossary: [],
  };
}
