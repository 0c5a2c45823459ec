import type { KeylessTableSpec, TableSpec } from '../../db/bulk-write.ts';

const sensitivity = { enum: 'Sensitivity' } as const;

export const datasetTable: TableSpec = {
  table: 'Dataset',
  hasUpdatedAt: true,
  fields: {
    schemaId: 'uuid',
    origin: 'text',
    externalId: 'text',
    name: 'text',
    path: 'text',
    kind: { enum: 'DatasetKind' },
    description: 'text',
    tags: 'text[]',
    domainId: 'uuid',
    sensitivity,
    ownerEmail: 'text',
    stewardEmails: 'text[]',
    meta: 'jsonb',
    contentHash: 'text',
  },
};

export const columnTable: TableSpec = {
  table: 'Column',
  hasUpdatedAt: true,
  fields: {
    datasetId: 'uuid',
    name: 'text',
    path: 'text',
    position: 'integer',
    dataType: 'text',
    description: 'text',
    tags: 'text[]',
    sensitivity,
    isPrimaryKey: 'boolean',
    meta: 'jsonb',
    contentHash: 'text',
  },
};

export const dimensionTable: TableSpec = {
  table: 'Dimension',
  hasUpdatedAt: false,
  fields: {
    datasetId: 'uuid',
    origin: 'text',
    key: 'text',
    semanticModel: 'text',
    name: 'text',
    type: 'text',
    expr: 'text',
    description: 'text',
    contentHash: 'text',
  },
};

export const joinPathTable: TableSpec = {
  table: 'JoinPath',
  hasUpdatedAt: false,
  fields: {
    origin: 'text',
    key: 'text',
    kind: { enum: 'JoinPathKind' },
    name: 'text',
    fromDatasetId: 'uuid',
    toDatasetId: 'uuid',
    fromColumns: 'text[]',
    toColumns: 'text[]',
    contentHash: 'text',
  },
};

export const metricTable: TableSpec = {
  table: 'Metric',
  hasUpdatedAt: true,
  fields: {
    origin: 'text',
    externalId: 'text',
    name: 'text',
    label: 'text',
    description: 'text',
    type: 'text',
    definition: 'jsonb',
    tags: 'text[]',
    domainId: 'uuid',
    sensitivity,
    ownerEmail: 'text',
    meta: 'jsonb',
    contentHash: 'text',
  },
};

export const glossaryTermTable: TableSpec = {
  table: 'GlossaryTerm',
  hasUpdatedAt: true,
  fields: {
    origin: 'text',
    externalId: 'text',
    name: 'text',
    definition: 'text',
    tags: 'text[]',
    domainId: 'uuid',
    sensitivity,
    ownerEmail: 'text',
    contentHash: 'text',
  },
};

export const metricDatasetDependencyTable: KeylessTableSpec = {
  table: 'MetricDatasetDependency',
  fields: { metricId: 'uuid', datasetId: 'uuid' },
};

export const metricColumnDependencyTable: KeylessTableSpec = {
  table: 'MetricColumnDependency',
  fields: { metricId: 'uuid', columnId: 'uuid' },
};

export const metricInputDependencyTable: KeylessTableSpec = {
  table: 'MetricInputDependency',
  fields: { metricId: 'uuid', inputMetricId: 'uuid' },
};

export const metricDependencyTables = [
  metricDatasetDependencyTable,
  metricColumnDependencyTable,
  metricInputDependencyTable,
];
