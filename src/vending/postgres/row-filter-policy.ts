import { type ManagedNames, quoteIdent } from './managed-names.ts';
import { rowFilterSql } from './row-filter-sql.ts';
import type { ShapeFilter } from './view-shape.ts';

/** The permissive policy aperture adds to a table whose row security it turned on. */
export function keepOthersPolicyName(prefix: string): string {
  return `${prefix}_keep_others`;
}

/**
 * A row filter as row-level security: RESTRICTIVE, for the filter's role (which owns the views
 * that show these rows), evaluated with the logged-in login's attributes. One plain predicate per
 * policy, so the planner can use the table's indexes for it.
 */
export function filterPolicySql(base: string, filter: ShapeFilter, names: ManagedNames): string {
  return `CREATE POLICY ${quoteIdent(filter.role)} ON ${base} AS RESTRICTIVE FOR SELECT TO ${quoteIdent(filter.role)} USING (${rowFilterSql(filter.template, names.attributesTable)})`;
}
