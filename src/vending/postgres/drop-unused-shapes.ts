import type pg from 'pg';
import { type ManagedNames, quoteIdent } from './managed-names.ts';
import { keepOthersPolicyName } from './row-filter-policy.ts';

/**
 * Drops what no vended login holds any more (after a policy change or a re-import, old shapes
 * fall out of use): views and their capability roles, then the row filters' roles (their
 * policies and grants go with them), then the row security aperture turned on where its last
 * filter went. Runs in the caller's transaction, under the exclusive shapes lock. Returns how
 * many shapes it dropped.
 */
export async function dropUnusedShapes(
  client: pg.ClientBase,
  names: ManagedNames,
  prefix: string,
): Promise<number> {
  const { rows } = await client.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_roles r
     WHERE starts_with(r.rolname, $1)
       AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid)`,
    [names.capabilityPrefix],
  );
  for (const { rolname } of rows) {
    const views = await client.query<{ view: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS view
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind = 'v' AND has_table_privilege($2, c.oid, 'SELECT')`,
      [names.schema, rolname],
    );
    for (const { view } of views.rows) await client.query(`DROP VIEW IF EXISTS ${view}`);
    await client.query(`DROP ROLE IF EXISTS ${quoteIdent(rolname)}`);
  }
  const filters = await client.query<{ rolname: string }>(
    `SELECT r.rolname FROM pg_roles r
     WHERE starts_with(r.rolname, $1) AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid)`,
    [names.filterPrefix],
  );
  for (const { rolname } of filters.rows) {
    await client.query(`DROP OWNED BY ${quoteIdent(rolname)}`);
    await client.query(`DROP ROLE ${quoteIdent(rolname)}`);
  }
  await restoreRowSecurity(client, names, prefix);
  return rows.length;
}

/**
 * Row security turned on by aperture is turned off again when its last row filter on the table
 * goes: while it is on, other roles lose `COPY ... FROM` and `row_security = off` (pg_dump).
 */
async function restoreRowSecurity(client: pg.ClientBase, names: ManagedNames, prefix: string): Promise<void> {
  const keepOthers = keepOthersPolicyName(prefix);
  const tables = `${quoteIdent(names.schema)}.row_security_tables`;
  const { rows } = await client.query<{ relation: string; exists: boolean }>(
    `SELECT t.relation, to_regclass(t.relation) IS NOT NULL AS exists FROM ${tables} t
     WHERE t.enabled_by_aperture AND NOT EXISTS (
       SELECT 1 FROM pg_policy p WHERE p.polrelid = to_regclass(t.relation) AND p.polname <> $1)`,
    [keepOthers],
  );
  for (const { relation, exists } of rows) {
    // `relation` is aperture's own quoted name, written by the admin, which no login may change.
    if (exists) {
      await client.query(`DROP POLICY IF EXISTS ${quoteIdent(keepOthers)} ON ${relation}`);
      await client.query(`ALTER TABLE ${relation} DISABLE ROW LEVEL SECURITY`);
    }
    await client.query(`DELETE FROM ${tables} WHERE relation = $1`, [relation]);
  }
}
