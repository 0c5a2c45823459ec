import type { Mask } from '../../policy/policy-schema.ts';

/** A readable column of a vended dataset: raw, or masked by the database. */
export interface VendedColumn {
  name: string;
  /** The column's type as the catalog knows it (`format_type`, e.g. `numeric(12,2)`). */
  dataType: string;
  mask: Mask | null;
}

/** A dataset a vended role reads, exactly as the slice shows it at READ. */
export interface VendedDataset {
  /** `source.schema.table`. */
  path: string;
  schema: string;
  table: string;
  /** In catalog order. */
  columns: VendedColumn[];
  /** The row filter as `{{human.<attribute>}}` templates; null: every row. */
  rowFilterTemplate: string | null;
  /** The same filter rendered with the human's values, as the slice shows it. */
  rowFilter: string | null;
}

/** What one vended role may read in one source, and what it relies on. */
export interface VendedAccess {
  source: string;
  /** Sorted by path. */
  datasets: VendedDataset[];
  /** The grants that widened the slice (the role lives no longer than the first to end). */
  grantIds: string[];
  policyVersion: number;
}
