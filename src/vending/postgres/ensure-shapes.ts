import type pg from 'pg';
import { lockManaged, managedLocks } from './managed-locks.ts';
import { type ManagedNames, quoteIdent } from './managed-names.ts';
import { filterPolicySql, keepOthersPolicyName } from './row-filter-policy.ts';
import { type ShapeFilter, type ViewShape, viewComment } from './view-shape.ts';

const noPowers = 'NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION';

/**
 * Makes sure every view of `shapes` exists with its owner (the reader, or its row filter's role
 * and that filter's policy on the table) and capability role. Runs inside the caller's
 * transaction, after the shared shapes lock (the sweep drops unused shapes under the exclusive
 * one): shapes are made once and shared, so most vends only check that they exist.
 */
export async function ensureShapes(
  client: pg.ClientBase,
  names: ManagedNames,
  prefix: string,
  shapes: readonly ViewShape[],
): Promise<void> {
  for (const shape of await missingShapes(client, shapes)) {
    await lockManaged(client, names, managedLocks.shape(shape.capabilityRole), 'exclusive');
    // Another vend may have made it while this one waited for the lock.
    if ((await missingShapes(client, [shape])).length === 0) continue;
    if (shape.filter) await ensureFilter(client, names, prefix, shape, shape.filter);
    const owner = quoteIdent(shape.owner);
    const capability = quoteIdent(shape.capabilityRole);
    await client.query(`GRANT SELECT ON ${shape.base} TO ${owner}`);
    await client.query(shape.createSql);
    await client.query(viewComment(shape));
    await client.query(`ALTER VIEW ${shape.view} OWNER TO ${owner}`);
    await client.query(`REVOKE ALL ON ${shape.view} FROM PUBLIC`);
    if (!(await roleExists(client, shape.capabilityRole)))
      await client.query(`CREATE ROLE ${capability} ${noPowers}`);
    await client.query(`GRANT SELECT ON ${shape.view} TO ${capability}`);
  }
}

async function missingShapes(client: pg.ClientBase, shapes: readonly ViewShape[]): Promise<ViewShape[]> {
  if (shapes.length === 0) return [];
  const { rows } = await client.query<{ view: string }>(
    `SELECT v.view FROM unnest($1::text[], $2::text[]) AS v(view, role)
     WHERE to_regclass(v.view) IS NULL
        OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v.role)
        OR NOT has_table_privilege(v.role, v.view, 'SELECT')`,
    [shapes.map((shape) => shape.view), shapes.map((shape) => shape.capabilityRole)],
  );
  const absent = new Set(rows.map((row) => row.view));
  return shapes.filter((shape) => absent.has(shape.view));
}

async function roleExists(client: pg.ClientBase, role: string): Promise<boolean> {
  return ((await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount ?? 0) > 0;
}

/**
 * The filter's role (made once per filter, like the reader: it reads the mapping tables, creates
 * views in the managed schema, and the admin is a member so it can hand views to it), and its
 * restrictive policy on this shape's table, turning row security on first if it was off.
 */
async function ensureFilter(
  client: pg.ClientBase,
  names: ManagedNames,
  prefix: string,
  shape: ViewShape,
  filter: ShapeFilter,
): Promise<void> {
  const role = quoteIdent(filter.role);
  if (!(await roleExists(client, filter.role))) {
    await client.query(`CREATE ROLE ${role} ${noPowers}`);
    await client.query(`GRANT ${role} TO CURRENT_USER`);
    await client.query(`GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(names.schema)} TO ${role}`);
    await client.query(
      `GRANT SELECT ON ${names.vendedRolesTable}, ${names.attributesTable}, ${names.settingsTable} TO ${role}`,
    );
  }
  await lockManaged(client, names, managedLocks.rowFilter(shape.relation), 'exclusive');
  const { rows } = await client.query<{ relrowsecurity: boolean; has_policy: boolean }>(
    `SELECT c.relrowsecurity,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2) AS has_policy
     FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [shape.base, filter.role],
  );
  const table = rows[0];
  if (!table) throw new Error(`${shape.relation} does not exist in the source database`);
  if (table.has_policy) return;
  if (!table.relrowsecurity) {
    // Turning row security on must change nothing for any other role: one permissive policy for
    // all (a table that had row security keeps its own policies, which bind aperture's roles too).
    await client.query(`ALTER TABLE ${shape.base} ENABLE ROW LEVEL SECURITY`);
    await client.query(
      `CREATE POLICY ${quoteIdent(keepOthersPolicyName(prefix))} ON ${shape.base} AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true)`,
    );
    await client.query(
      `INSERT INTO ${quoteIdent(names.schema)}.row_security_tables (relation, enabled_by_aperture) VALUES ($1, true) ON CONFLICT DO NOTHING`,
      [shape.base],
    );
  }
  await client.query(filterPolicySql(shape.base, filter, names));
}
