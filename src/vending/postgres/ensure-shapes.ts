import type pg from 'pg';
import { lockManaged, managedLocks } from './managed-locks.ts';
import { type ManagedNames, quoteIdent } from './managed-names.ts';
import { policyStatement, rowFilterCondition, rowFilterPolicyNames } from './row-filter-policy.ts';
import { type ViewShape, viewComment } from './view-shape.ts';

/** A row filter a vended role needs on a base relation. */
export interface NeededFilter {
  relation: string;
  /** The quoted base relation. */
  base: string;
  key: string;
  template: string;
}

/**
 * Makes sure every view and capability role of `shapes` exists, and that every row filter in
 * `filters` is an arm of its table's RLS policy. Runs inside the caller's transaction, after the
 * shared shapes lock (the sweep drops unused shapes under the exclusive one): shapes are made once
 * and shared, so most vends only check that they exist.
 */
export async function ensureShapes(
  client: pg.ClientBase,
  names: ManagedNames,
  prefix: string,
  shapes: readonly ViewShape[],
  filters: readonly NeededFilter[],
): Promise<void> {
  const missing = await missingShapes(client, shapes);
  for (const shape of missing) {
    await lockManaged(client, names, managedLocks.shape(shape.capabilityRole), 'exclusive');
    // Another vend may have made it while this one waited for the lock.
    if ((await missingShapes(client, [shape])).length === 0) continue;
    const reader = quoteIdent(names.reader);
    const capability = quoteIdent(shape.capabilityRole);
    await client.query(`GRANT SELECT ON ${shape.base} TO ${reader}`);
    await client.query(shape.createSql);
    await client.query(viewComment(shape));
    await client.query(`ALTER VIEW ${shape.view} OWNER TO ${reader}`);
    await client.query(`REVOKE ALL ON ${shape.view} FROM PUBLIC`);
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [shape.capabilityRole]);
    if (role.rowCount === 0) {
      await client.query(
        `CREATE ROLE ${capability} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION`,
      );
    }
    await client.query(`GRANT SELECT ON ${shape.view} TO ${capability}`);
  }
  await ensureRowFilterArms(client, names, prefix, filters);
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

/** Adds the filters not yet known to their tables' restrictive policies (DDL only when one is new). */
async function ensureRowFilterArms(
  client: pg.ClientBase,
  names: ManagedNames,
  prefix: string,
  filters: readonly NeededFilter[],
): Promise<void> {
  const byRelation = new Map<string, NeededFilter[]>();
  for (const filter of filters)
    byRelation.set(filter.relation, [...(byRelation.get(filter.relation) ?? []), filter]);
  const schema = quoteIdent(names.schema);
  for (const [relation, needed] of byRelation) {
    const known = await client.query<{ filter_key: string }>(
      `SELECT filter_key FROM ${schema}.row_filter_arms WHERE relation = $1`,
      [relation],
    );
    const knownKeys = new Set(known.rows.map((row) => row.filter_key));
    const fresh = needed.filter((filter) => !knownKeys.has(filter.key));
    if (fresh.length === 0) continue;
    await lockManaged(client, names, managedLocks.rowFilter(relation), 'exclusive');
    for (const filter of fresh) {
      await client.query(
        `INSERT INTO ${schema}.row_filter_arms (relation, filter_key, template) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [relation, filter.key, filter.template],
      );
    }
    await writeRowFilterPolicy(client, names, prefix, relation, needed[0]!.base);
  }
}

/** (Re)writes a table's restrictive policy from its arms, turning RLS on the first time. */
export async function writeRowFilterPolicy(
  client: pg.ClientBase,
  names: ManagedNames,
  prefix: string,
  relation: string,
  base: string,
): Promise<void> {
  const schema = quoteIdent(names.schema);
  const arms = await client.query<{ filter_key: string; template: string }>(
    `SELECT filter_key, template FROM ${schema}.row_filter_arms WHERE relation = $1`,
    [relation],
  );
  const condition = rowFilterCondition(
    relation,
    new Map(arms.rows.map((row) => [row.filter_key, row.template])),
    names,
  );
  const policies = rowFilterPolicyNames(prefix);
  const state = await client.query<{ relrowsecurity: boolean; has_policy: boolean }>(
    `SELECT c.relrowsecurity,
            EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = $2) AS has_policy
     FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [base, policies.restrictive],
  );
  const table = state.rows[0];
  if (!table) throw new Error(`${relation} does not exist in the source database`);
  if (table.has_policy) {
    await client.query(policyStatement('ALTER', prefix, base, condition, names));
    return;
  }
  const reader = quoteIdent(names.reader);
  if (table.relrowsecurity) {
    // The table has row security of its own: the reader gets every row its own policies leave,
    // then the restrictive policy narrows them to the login's filter.
    await client.query(
      `CREATE POLICY ${quoteIdent(policies.reader)} ON ${base} AS PERMISSIVE FOR SELECT TO ${reader} USING (true)`,
    );
  } else {
    // Turning row security on must change nothing for any other role: one permissive policy for all.
    await client.query(`ALTER TABLE ${base} ENABLE ROW LEVEL SECURITY`);
    await client.query(
      `CREATE POLICY ${quoteIdent(policies.keepOthers)} ON ${base} AS PERMISSIVE FOR ALL TO PUBLIC USING (true) WITH CHECK (true)`,
    );
  }
  await client.query(
    `INSERT INTO ${schema}.row_security_tables (relation, enabled_by_aperture) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [relation, !table.relrowsecurity],
  );
  await client.query(policyStatement('CREATE', prefix, base, condition, names));
}
