import type { VendedDataset } from '../plan/vended-access.ts';
import { type ManagedNames, quoteIdent, quoteLiteral, shortHash } from './managed-names.ts';
import { maskSql } from './mask-sql.ts';

/** A row filter as the database applies it: a no-login role that owns the views it filters. */
export interface ShapeFilter {
  /** The template's digest. */
  key: string;
  template: string;
  /** `<prefix>_f_<key>`: owns the filtered views; the table's restrictive policy is for it. */
  role: string;
}

/**
 * One view per dataset shape (the dataset, its readable columns, their masks and its row filter),
 * shared by every vended login that reads the dataset alike, and the capability role that holds
 * SELECT on it: a vended login only ever gets memberships, never grants of its own (see the note
 * on relacl bloat).
 */
export interface ViewShape {
  key: string;
  dataset: string;
  /** The base relation, quoted (`"finance"."payments"`). */
  base: string;
  /** `schema.table`. */
  relation: string;
  /** The view's name in the managed schema (unquoted) and qualified (quoted). */
  viewName: string;
  view: string;
  capabilityRole: string;
  /** Who owns the view: the reader (every row) or the filter's role (its rows). */
  owner: string;
  filter: ShapeFilter | null;
  /** CREATE VIEW ... (run by the admin, then owned by `owner`). */
  createSql: string;
}

/**
 * Part of every shape's key: a change to the view's SQL gets new views and capability roles, which
 * the next recheck moves live logins to (views are only created when missing, never replaced).
 * 2: the expiry is checked against the statement's time, not the transaction's.
 * 3: row filters are owned by a role per filter (indexable policies), not one CASE over all.
 */
const viewSqlVersion = 3;

export function viewShape(source: string, dataset: VendedDataset, names: ManagedNames): ViewShape {
  const filter = dataset.rowFilterTemplate === null ? null : shapeFilter(dataset.rowFilterTemplate, names);
  const key = shortHash(
    JSON.stringify([
      viewSqlVersion,
      source,
      dataset.path,
      dataset.columns.map((c) => [c.name, c.dataType, c.mask]),
      filter?.key ?? null,
    ]),
    12,
  );
  const readable = `${dataset.schema}__${dataset.table}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const viewName = `${readable.slice(0, 48)}_${key.slice(0, 8)}`;
  const view = `${quoteIdent(names.schema)}.${quoteIdent(viewName)}`;
  const base = `${quoteIdent(dataset.schema)}.${quoteIdent(dataset.table)}`;
  const salt = `(SELECT hash_salt FROM ${names.settingsTable})`;
  const selectList = dataset.columns
    .map((column) =>
      column.mask
        ? `${maskSql(column.name, column.dataType, column.mask, salt)} AS ${quoteIdent(column.name)}`
        : quoteIdent(column.name),
    )
    .join(',\n       ');
  // security_barrier: this view's own condition runs before any condition the caller adds, so a
  // leaky function in the caller's WHERE never sees a row the view would not show. The condition
  // ends the login's reach at its expiry, even for a session still open then: statement_timestamp(),
  // not now(), which stays at the start of a transaction opened before the expiry. Row filters are
  // not here but in row-level security on the table, for the view's owner.
  const createSql = `CREATE VIEW ${view} WITH (security_barrier = true) AS
SELECT ${selectList}
FROM ${base}
WHERE EXISTS (SELECT 1 FROM ${names.vendedRolesTable} WHERE role_name = session_user AND expires_at > statement_timestamp())`;
  return {
    key,
    dataset: dataset.path,
    base,
    relation: `${dataset.schema}.${dataset.table}`,
    viewName,
    view,
    capabilityRole: `${names.capabilityPrefix}${key}`,
    owner: filter?.role ?? names.reader,
    filter,
    createSql,
  };
}

function shapeFilter(template: string, names: ManagedNames): ShapeFilter {
  const key = shortHash(template, 12);
  return { key, template, role: `${names.filterPrefix}${key}` };
}

/** `COMMENT ON VIEW`: what operators see in `\dv+`. */
export function viewComment(shape: ViewShape): string {
  return `COMMENT ON VIEW ${shape.view} IS ${quoteLiteral(`aperture: ${shape.dataset} (shape ${shape.key})`)}`;
}
