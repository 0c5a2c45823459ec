import type { Mask } from '../../policy/policy-schema.ts';
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
  const grantIds = new Set<string>();
  const noteGrants = (allowedBy: readonly string[]) => {
    for (const reason of allowedBy) {
      if (reason.startsWith(grantReason)) grantIds.add(reason.slice(grantReason.length));
    }
  };
  const readable = slice.catalog.datasets
    .map(({ object }) => object)
    .filter((object) => object.path.startsWith(prefix) && slice.decide(object).visibility === 'READ');
  // Column types come from the stored rows: loaded together, in one batch.
  const storedColumns = await Promise.all(readable.map((object) => slice.stored.columnsOf(object.id)));
  const datasets: VendedDataset[] = [];
  readable.forEach((object, index) => {
    const [, schema, ...rest] = object.path.split('.');
    if (!schema || rest.length === 0) return;
    const dataTypes = new Map(storedColumns[index]!.map((column) => [column.path, column.dataType]));
    const columns: VendedColumn[] = [];
    for (const { object: column } of slice.catalog.columnsByDataset.get(object.path) ?? []) {
      const decision = slice.decide(column);
      if (decision.visibility !== 'READ') continue;
      noteGrants(decision.reasons.allowedBy);
      columns.push({
        name: column.path.slice(object.path.length + 1),
        dataType: dataTypes.get(column.path) ?? 'text',
        mask: withoutPolicy(decision.mask),
      });
    }
    // A dataset with no readable column gives nothing to select.
    if (columns.length === 0) return;
    const decision = slice.decide(object);
    noteGrants(decision.reasons.allowedBy);
    datasets.push({
      path: object.path,
      schema,
      table: rest.join('.'),
      columns,
      rowFilterTemplate: slice.rowFilterTemplate(object),
      rowFilter: decision.rowFilter,
    });
  });
  return { source, datasets, grantIds: [...grantIds].sort(), policyVersion: slice.policyVersion };
}

/** The mask as the database applies it (which policy chose it is for explanations, not SQL). */
function withoutPolicy(mask: (Mask & { policyId: string }) | null): Mask | null {
  if (!mask) return null;
  const { policyId: _policyId, ...applied } = mask;
  return applied;
}
