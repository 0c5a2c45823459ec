import type { PolicyHuman } from '../policy/access-context.ts';
import { attributeValues } from '../policy/human-attributes.ts';
import type { VendedAccess } from './plan/vended-access.ts';
import type { NeededFilter } from './postgres/ensure-shapes.ts';
import type { ManagedNames } from './postgres/managed-names.ts';
import { templateAttributes } from './postgres/row-filter-sql.ts';
import type { RoleGrants } from './postgres/source-database.ts';
import { rowFilterKey, type ViewShape, viewShape } from './postgres/view-shape.ts';

/** What aperture records of a vended role's reach, and tells the agent (never a secret). */
export interface VendedDatasetAccess {
  dataset: string;
  /** What to query: the view in the managed schema, quoted. */
  relation: string;
  columns: string[];
  masked: { column: string; method: string }[];
  /** The row filter rendered with the human's values; null: every row. */
  rowFilter: string | null;
  /** Internal: the shape and filter keys, to tell whether anything changed. */
  shape: string;
  filterKey: string;
}

/**
 * What a vended role needs in the source database to read exactly `access`: the shapes (views
 * and capability roles), the row filters as RLS arms, the filter of each relation, and the
 * human's values of the attributes those filters read.
 */
export function roleGrantsFor(
  access: VendedAccess,
  human: PolicyHuman,
  names: ManagedNames,
  expiresAt: Date,
): { grants: RoleGrants; datasets: VendedDatasetAccess[] } {
  const shapes: ViewShape[] = [];
  const filters: NeededFilter[] = [];
  const rowFilters: { relation: string; key: string }[] = [];
  const attributeNames = new Set<string>();
  const datasets: VendedDatasetAccess[] = [];
  for (const dataset of access.datasets) {
    const shape = viewShape(access.source, dataset, names);
    shapes.push(shape);
    const key = rowFilterKey(dataset.rowFilterTemplate);
    rowFilters.push({ relation: shape.relation, key });
    if (dataset.rowFilterTemplate !== null) {
      filters.push({ relation: shape.relation, base: shape.base, key, template: dataset.rowFilterTemplate });
      for (const attribute of templateAttributes(dataset.rowFilterTemplate)) attributeNames.add(attribute);
    }
    datasets.push({
      dataset: dataset.path,
      relation: shape.view,
      columns: dataset.columns.map((column) => column.name),
      masked: dataset.columns.flatMap((column) =>
        column.mask ? [{ column: column.name, method: column.mask.method }] : [],
      ),
      rowFilter: dataset.rowFilter,
      shape: shape.key,
      filterKey: key,
    });
  }
  const attributes = [...attributeNames]
    .sort()
    .flatMap((attribute) =>
      [...new Set(attributeValues(human, attribute).map(String))].map((value) => ({ attribute, value })),
    );
  return { grants: { shapes, filters, rowFilters, attributes, expiresAt }, datasets };
}
