import type { ViewerSlice } from '../../policy/slice/access-service.ts';
import type { VendedAccess, VendedColumn, VendedDataset } from './vended-access.ts';

const grantReason = 'grant:';

/**
 * What a vended role in `source` may read: every dataset of the source the slice shows at READ,
 * with the columns it shows at READ and their masks, and the dataset's row filter. The same
 * decisions as every other door; nothing here widens or narrows them.
 */
export async function planVendedAccess(slice: ViewerSlice, source: string): Promise<VendedAccess> {
  const prefix = `${source}.`;
  const datasets: VendedDataset[] = [];
  const grantIds = new Set<string>();
  const noteGrants = (allowedBy: readonly string[]) => {
    for (const reason of allowedBy)
      if (reason.startsWith(grantReason)) grantIds.add(reason.slice(grantReason.length));
  };
  for (const { object } of slice.catalog.datasets) {
    if (!object.path.startsWith(prefix)) continue;
    const decision = slice.decide(object);
    if (decision.visibility !== 'READ') continue;
    const [, schema, ...rest] = object.path.split('.');
    if (!schema || rest.length === 0) continue;
    const stored = await slice.stored.columnsOf(object.id);
    const dataTypes = new Map(stored.map((column) => [column.path, column.dataType]));
    const columns: VendedColumn[] = [];
    for (const { object: column } of slice.catalog.columnsByDataset.get(object.path) ?? []) {
      const columnDecision = slice.decide(column);
      if (columnDecision.visibility !== 'READ') continue;
      noteGrants(columnDecision.reasons.allowedBy);
      const { policyId: _policyId, ...mask } = columnDecision.mask ?? { policyId: '' };
      columns.push({
        name: column.path.slice(object.path.length + 1),
        dataType: dataTypes.get(column.path) ?? 'text',
        mask: columnDecision.mask ? (mask as VendedColumn['mask']) : null,
      });
    }
    // A dataset with no readable column gives nothing to select.
    if (columns.length === 0) continue;
    noteGrants(decision.reasons.allowedBy);
    datasets.push({
      path: object.path,
      schema,
      table: rest.join('.'),
      columns,
      rowFilterTemplate: slice.rowFilterTemplate(object),
      rowFilter: decision.rowFilter,
    });
  }
  return { source, datasets, grantIds: [...grantIds].sort(), policyVersion: slice.policyVersion };
}
