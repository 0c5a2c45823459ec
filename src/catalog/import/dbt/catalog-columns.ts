import { datasetPath, type ImportWarning } from '../../catalog-snapshot.ts';
import type { CatalogTable, DbtCatalog } from './catalog-schema.ts';
import { type ColumnDraft, type DatasetDraft, emptyToNull } from './dataset-drafts.ts';

/**
 * Gives a dataset every column the warehouse reported to `dbt docs generate`, in the warehouse's
 * order and with its real type; descriptions, tags and meta stay those of the YAML. Column names
 * match whatever their case (Snowflake reports `CUSTOMER_ID` for YAML's `customer_id`); a
 * documented column keeps its YAML spelling, so that adding catalog.json renames nothing.
 *
 * A column documented in YAML that the warehouse does not have is kept, with a warning: its
 * description or sensitivity must not vanish because catalog.json is stale or a name is misspelt.
 */
export function withCatalogColumns(
  draft: DatasetDraft,
  catalog: DbtCatalog,
  warnings: ImportWarning[],
): DatasetDraft {
  const path = datasetPath(draft);
  const table = catalogTable(catalog, draft.namedBy);
  if (!table) {
    warnings.push({
      kind: 'dataset-not-in-catalog',
      subject: path,
      message: `${draft.namedBy.join(', ')} is not in catalog.json (not built when \`dbt docs generate\` ran?): only the columns documented in YAML`,
    });
    return draft;
  }
  const documented = new Map(draft.columns.map((column) => [column.name.toLowerCase(), column]));
  const reported = Object.values(table.columns).sort((a, b) => a.index - b.index);
  const columns: ColumnDraft[] = reported.map((column) => {
    const yaml = documented.get(column.name.toLowerCase());
    documented.delete(column.name.toLowerCase());
    return {
      name: yaml?.name ?? column.name,
      dataType: column.type,
      description: yaml?.description ?? emptyToNull(column.comment),
      tags: yaml?.tags ?? [],
      sensitivity: yaml?.sensitivity ?? null,
      isPrimaryKey: yaml?.isPrimaryKey ?? false,
      meta: yaml?.meta ?? {},
    };
  });
  for (const column of documented.values()) {
    warnings.push({
      kind: 'column-not-in-catalog',
      subject: `${path}.${column.name}`,
      message: 'documented in YAML but not in catalog.json (renamed or dropped in the warehouse?): kept',
    });
    columns.push(column);
  }
  return {
    ...draft,
    description: draft.description ?? emptyToNull(table.metadata.comment),
    columns,
  };
}

/** Catalog keys are unique ids: models, seeds and snapshots under `nodes`, sources under `sources`. */
function catalogTable(catalog: DbtCatalog, ids: string[]): CatalogTable | undefined {
  for (const id of ids) {
    const tables = id.startsWith('source.') ? catalog.sources : catalog.nodes;
    if (Object.hasOwn(tables, id)) return tables[id];
  }
  return undefined;
}
