import { type ManagedNames, quoteIdent, quoteLiteral } from './managed-names.ts';
import { rowFilterSql } from './row-filter-sql.ts';

/** The RLS policies aperture keeps on a base table with row filters. */
export function rowFilterPolicyNames(prefix: string) {
  return {
    /** RESTRICTIVE, for the reader: the rows of the logged-in vended role's filter. */
    restrictive: `${prefix}_rows`,
    /** PERMISSIVE, for everyone, when aperture turned RLS on: every other role keeps what it had. */
    keepOthers: `${prefix}_keep_others`,
    /** PERMISSIVE, for the reader, when the table had RLS already. */
    reader: `${prefix}_reader_rows`,
  };
}

/**
 * The restrictive policy's condition: the filter of the logged-in role for this relation, chosen
 * from every filter in use (`arms`, key to template). A login with no mapping sees no row.
 */
export function rowFilterCondition(
  relation: string,
  arms: ReadonlyMap<string, string>,
  names: ManagedNames,
): string {
  const key = `(SELECT filter_key FROM ${names.rowFiltersTable} WHERE role_name = session_user AND relation = ${quoteLiteral(relation)})`;
  const cases = [...arms]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([armKey, template]) =>
        `WHEN ${quoteLiteral(armKey)} THEN (${rowFilterSql(template, names.attributesTable)})`,
    );
  return `CASE ${key} WHEN 'all' THEN true ${cases.join(' ')} ELSE false END`;
}

export function policyStatement(
  verb: 'CREATE' | 'ALTER',
  prefix: string,
  base: string,
  condition: string,
  names: ManagedNames,
): string {
  const name = quoteIdent(rowFilterPolicyNames(prefix).restrictive);
  return verb === 'CREATE'
    ? `CREATE POLICY ${name} ON ${base} AS RESTRICTIVE FOR SELECT TO ${quoteIdent(names.reader)} USING (${condition})`
    : `ALTER POLICY ${name} ON ${base} USING (${condition})`;
}
