import type { PolicyHuman } from '../policy/access-context.ts';
import { attributeValues } from '../policy/human-attributes.ts';
import type { VendedAccess } from './plan/vended-access.ts';
import type { ManagedNames } from './postgres/managed-names.ts';
import { templateAttributes } from './postgres/row-filter-sql.ts';
import type { RoleGrants } from './postgres/source-database.ts';
import { viewShape } from './postgres/view-shape.ts';

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
 * What a vended login needs in the source database to read exactly `access`: the shapes (views
 * with their owners, row filters and capability roles) and the human's values of the attributes
 * those filters read.
 */
export function roleGrantsFor(
  access: VendedAccess,
  human: PolicyHuman,
  names: ManagedNames,
  expiresAt: Date,
): { grants: RoleGrants; datasets: VendedDatasetAccess[] } {
  const shapes = access.datasets.map((dataset) => viewShape(access.source, dataset, names));
  const attributeNames = new Set(
    access.datasets.flatMap((dataset) =>
      dataset.rowFilterTemplate === null ? [] : templateAttributes(dataset.rowFilterTemplate),
    ),
  );
  const datasets = access.datasets.map((dataset, index): VendedDatasetAccess => {
    const shape = shapes[index]!;
    return {
      dataset: dataset.path,
      relation: shape.view,
      columns: dataset.columns.map((column) => column.name),
      masked: dataset.columns.flatMap((column) =>
        column.mask ? [{ column: column.name, method: column.mask.method }] : [],
      ),
      rowFilter: dataset.rowFilter,
      shape: shape.key,
      filterKey: shape.filter?.key ?? 'all',
    };
  });
  const attributes = [...attributeNames]
    .sort()
    .flatMap((attribute) =>
      [...new Set(attributeValues(human, attribute).map(String))].map((value) => ({ attribute, value })),
    );
  return { grants: { shapes, attributes, expiresAt }, datasets };
}
