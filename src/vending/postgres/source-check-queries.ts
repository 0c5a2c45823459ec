/**
 * What `aperture sources check` asks a source database, as the admin role. Ownership rights count
 * only when inherited (`pg_has_role(..., 'USAGE')`): PostgreSQL checks ownership, RLS and GRANT
 * through inherited privileges, so a NOINHERIT member of an owner could not act as it.
 */

/** `$1`: the managed schema. */
export const adminFactsQuery = `
  SELECT current_user AS role,
         current_database() AS database,
         current_setting('server_version_num')::int AS "versionNum",
         current_setting('server_version') AS version,
         r.rolsuper AS superuser,
         r.rolcanlogin AS login,
         r.rolinherit AS inherit,
         r.rolcreaterole AS "createRole",
         pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS "signalBackend",
         has_database_privilege(current_database(), 'CREATE') AS "createOnDatabase",
         n.oid IS NOT NULL AS "schemaExists",
         pg_get_userbyid(n.nspowner) AS "schemaOwner",
         COALESCE(pg_has_role(n.nspowner, 'USAGE'), false) AS "schemaOwned",
         has_database_privilege('public', current_database(), 'TEMPORARY') AS "publicTemporary",
         ARRAY(SELECT s.nspname::text FROM pg_namespace s
                WHERE has_schema_privilege('public', s.oid, 'CREATE')
                  AND s.nspname NOT LIKE 'pg_%' AND s.nspname <> 'information_schema'
                ORDER BY 1) AS "publicCreateSchemas",
         ARRAY(SELECT d.datname::text FROM pg_database d
                WHERE d.datallowconn AND NOT d.datistemplate AND d.datname <> current_database()
                  AND has_database_privilege('public', d.datname, 'CONNECT')
                ORDER BY 1) AS "publicConnectDatabases",
         ARRAY(SELECT format('%I.%I(%s)', fn.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
                 FROM pg_proc p JOIN pg_namespace fn ON fn.oid = p.pronamespace
                WHERE p.prosecdef AND has_function_privilege('public', p.oid, 'EXECUTE')
                  AND fn.nspname NOT IN ('pg_catalog', 'information_schema', $1)
                  AND fn.nspname NOT LIKE 'pg_%'
                ORDER BY 1) AS "publicDefinerFunctions"
    FROM pg_roles r
    LEFT JOIN pg_namespace n ON n.nspname = $1
   WHERE r.rolname = current_user`;

export interface AdminFacts {
  role: string;
  database: string;
  versionNum: number;
  version: string;
  superuser: boolean;
  login: boolean;
  inherit: boolean;
  createRole: boolean;
  signalBackend: boolean;
  createOnDatabase: boolean;
  schemaExists: boolean;
  schemaOwner: string | null;
  schemaOwned: boolean;
  /** PUBLIC may create temporary tables in the database (so may every vended role). */
  publicTemporary: boolean;
  /** Schemas where PUBLIC may create objects (so may every vended role, which then owns them). */
  publicCreateSchemas: string[];
  /** Other databases of the cluster PUBLIC may connect to (so may every vended login). */
  publicConnectDatabases: string[];
  /** SECURITY DEFINER functions PUBLIC may execute (`schema.name(arguments)`), quoted. */
  publicDefinerFunctions: string[];
}

/** `$1`, `$2`: the schemas and names of the relations the catalog names, in one order. */
export const relationFactsQuery = `
  SELECT wanted.schema_name AS schema,
         wanted.relation_name AS name,
         c.oid IS NOT NULL AS found,
         c.relkind::text AS kind,
         pg_get_userbyid(c.relowner) AS owner,
         COALESCE(o.rolsuper, false) AS "ownerSuperuser",
         COALESCE(pg_has_role(c.relowner, 'USAGE'), false) AS "ownerMember",
         COALESCE(has_table_privilege(c.oid, 'SELECT WITH GRANT OPTION'), false) AS "grantOption",
         COALESCE(has_schema_privilege(n.oid, 'USAGE'), false) AS "schemaUsage"
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS wanted(schema_name, relation_name, position)
    LEFT JOIN pg_namespace n ON n.nspname = wanted.schema_name
    LEFT JOIN pg_class c
           ON c.relnamespace = n.oid AND c.relname = wanted.relation_name
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    LEFT JOIN pg_roles o ON o.oid = c.relowner
   ORDER BY wanted.position`;

export interface RelationFacts {
  schema: string;
  name: string;
  found: boolean;
  /** pg_class.relkind: r, p, v, m or f; null when not found. */
  kind: string | null;
  owner: string | null;
  ownerSuperuser: boolean;
  ownerMember: boolean;
  grantOption: boolean;
  schemaUsage: boolean;
}

/**
 * Every relation outside the system and managed schemas that PUBLIC may SELECT, whole or some
 * columns: any login (so any vended role) reads it, whatever its slice says. `$1`: the managed schema.
 */
export const publicReadableQuery = `
  SELECT schema, name, kind, whole, columns
    FROM (SELECT n.nspname AS schema,
                 c.relname AS name,
                 c.relkind::text AS kind,
                 EXISTS (SELECT 1 FROM aclexplode(c.relacl) a
                          WHERE a.grantee = 0 AND a.privilege_type = 'SELECT') AS whole,
                 ARRAY(SELECT att.attname::text
                         FROM pg_attribute att, aclexplode(att.attacl) a
                        WHERE att.attrelid = c.oid AND att.attnum > 0 AND NOT att.attisdropped
                          AND a.grantee = 0 AND a.privilege_type = 'SELECT'
                        ORDER BY att.attnum) AS columns
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
             AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)
             AND n.nspname NOT LIKE 'pg\\_toast%'
             AND n.nspname NOT LIKE 'pg\\_temp\\_%') relations
   WHERE whole OR cardinality(columns) > 0
   ORDER BY schema, name`;

export interface PublicReadable {
  schema: string;
  name: string;
  kind: string;
  /** SELECT on the whole relation; else only `columns`. */
  whole: boolean;
  columns: string[];
}
