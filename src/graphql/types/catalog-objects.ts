import type {
  CatalogSchema,
  Column,
  Dataset,
  Dimension,
  Domain,
  JoinPath,
  Metric,
  ShownGlossaryTerm,
  Source,
} from '../../catalog/read/catalog-reader.ts';
import { builder } from '../builder.ts';

/** Object references for the catalog types; each type's fields live in its own file. */
export const DomainRef = builder.objectRef<Domain>('Domain');
export const SourceRef = builder.objectRef<Source>('Source');
export const SchemaRef = builder.objectRef<CatalogSchema>('Schema');
export const DatasetRef = builder.objectRef<Dataset>('Dataset');
export const ColumnRef = builder.objectRef<Column>('Column');
export const DimensionRef = builder.objectRef<Dimension>('Dimension');
export const JoinPathRef = builder.objectRef<JoinPath>('JoinPath');
export const MetricRef = builder.objectRef<Metric>('Metric');
export const GlossaryTermRef = builder.objectRef<ShownGlossaryTerm>('GlossaryTerm');
