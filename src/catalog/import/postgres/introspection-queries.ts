/** Relations (tables, views, materialized views, partitioned and foreign tables) with comments. */
export const relationsQuery = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       obj_description(c.oid, 'pg_class') AS comment, pg_get_userbyid(c.relowner) AS owner
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
ORDER BY 1, 2`;

export const columnsQuery = `
SELECT n.nspname AS schema, c.relname AS relation, a.attname AS name, a.attnum AS position,
       format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null,
       col_description(c.oid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'v', 'm', 'p', 'f') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
ORDER BY 1, 2, a.attnum`;

/** Primary keys and foreign keys, with their columns in key order. */
export const keysQuery = `
SELECT con.conname AS name, con.contype::text AS type, n.nspname AS schema, c.relname AS relation,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
       fn.nspname AS ref_schema, fc.relname AS ref_relation,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND con.conparentid = 0 AND NOT c.relispartition

  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))
ORDER BY 3, 4, 1`;

export interface RelationRow {
  schema: string;
  name: string;
  kind: 'r' | 'v' | 'm' | 'p' | 'f';
  comment: string | null;
  owner: string;
}

export interface ColumnRow {
  schema: string;
  relation: string;
  name: string;
  position: number;
  data_type: string;
  not_null: boolean;
  comment: string | null;
}

export interface KeyRow {
  name: string;
  type: 'p' | 'f';
  schema: string;
  relation: string;
  columns: string[];
  ref_schema: string | null;
  ref_relation: string | null;
  ref_columns: string[];
}
