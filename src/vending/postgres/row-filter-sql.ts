import { quoteLiteral } from './managed-names.ts';

/**
 * A row filter template in SQL the database evaluates for whoever is logged in: each
 * `{{human.<attribute>}}` becomes a subquery of the human's values in aperture's mapping table,
 * keyed on `session_user` (the vended login; `SET ROLE` does not change it, and a client cannot set
 * it the way it sets a session variable). One value compares with `=`; several work with `IN`.
 */
export function rowFilterSql(template: string, attributesTable: string): string {
  return template.replace(
    /\{\{\s*human\.([\w.-]+)\s*\}\}/g,
    (_placeholder, attribute: string) =>
      `(SELECT value FROM ${attributesTable} WHERE role_name = session_user AND attribute = ${quoteLiteral(attribute)})`,
  );
}

/** The attributes a template reads (`region`, `groups`, `attributes.level`). */
export function templateAttributes(template: string): string[] {
  return [...template.matchAll(/\{\{\s*human\.([\w.-]+)\s*\}\}/g)].map((match) => match[1]!);
}
