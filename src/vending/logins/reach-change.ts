import type { VendedDatasetAccess } from '../role-grants.ts';

/** Whether two reaches are the same: datasets, shapes (columns and masks), filters and their values. */
export function sameReach(a: readonly VendedDatasetAccess[], b: readonly VendedDatasetAccess[]): boolean {
  const key = (list: readonly VendedDatasetAccess[]) =>
    JSON.stringify(
      list.map((dataset) => [dataset.dataset, dataset.shape, dataset.filterKey, dataset.rowFilter]),
    );
  return key(a) === key(b);
}

/**
 * Whether `after` takes anything away from `before`: a dataset, a column, rows (any change of the
 * filter), or a column's raw value (a mask set or changed). Lifting a mask or adding columns or
 * datasets does not.
 */
export function narrows(
  before: readonly VendedDatasetAccess[],
  after: readonly VendedDatasetAccess[],
): boolean {
  const kept = new Map(after.map((dataset) => [dataset.dataset, dataset]));
  return before.some((dataset) => {
    const now = kept.get(dataset.dataset);
    if (!now || now.filterKey !== dataset.filterKey || now.rowFilter !== dataset.rowFilter) return true;
    const columns = new Set(now.columns);
    const maskedBefore = new Map(dataset.masked.map((entry) => [entry.column, entry.method]));
    return (
      dataset.columns.some((column) => !columns.has(column)) ||
      now.masked.some((entry) => maskedBefore.get(entry.column) !== entry.method)
    );
  });
}
