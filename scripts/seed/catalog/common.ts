import type { ColumnSpec } from '../types.ts';

export const FIVETRAN_SYNCED: ColumnSpec = [
  '_fivetran_synced',
  'timestamptz',
  'Time Fivetran last wrote this row to the warehouse.',
];
export const FIVETRAN_DELETED: ColumnSpec = [
  '_fivetran_deleted',
  'boolean',
  'True when the row was deleted in the source system.',
];
export const SF_DELETED: ColumnSpec = [
  'is_deleted',
  'boolean',
  'True when the record is in the Salesforce recycle bin.',
];
export const SF_CREATED: ColumnSpec = [
  'created_date',
  'timestamptz',
  'Time the record was created in Salesforce.',
];
export const SF_MODIFIED: ColumnSpec = [
  'last_modified_date',
  'timestamptz',
  'Time the record was last modified.',
];
