import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { tierFields } from './access.ts';
import { ColumnRef, DatasetRef, DimensionRef, DomainRef, JoinPathRef } from './catalog-objects.ts';
import { DatasetKindEnum, SensitivityEnum } from './enums.ts';
import { cursorConnection } from './pagination.ts';

DatasetRef.implement({
  description: 'A table, view or dbt node.',
  fields: (t) => ({
    path: t.exposeString('path', { description: '`source.schema.dataset`' }),
    ...tierFields(t),
    rowFilter: t.string({
      nullable: true,
      description:
        'READ: the rows this viewer may see, as a SQL predicate rendered with their own values; null: all rows.',
      resolve: (dataset, _args, { catalog }) => catalog.access(dataset.id).rowFilter,
    }),
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: DatasetKindEnum }),
    description: t.exposeString('description', { nullable: true }),
    tags: t.exposeStringList('tags'),
    sensitivity: t.expose('sensitivity', { type: SensitivityEnum }),
    domain: t.field({
      type: DomainRef,
      nullable: true,
      resolve: (dataset, _args, { catalog }) =>
        dataset.domainId ? catalog.domainById(dataset.domainId) : null,
    }),
    ownerEmail: t.exposeString('ownerEmail', { nullable: true }),
    stewardEmails: t.exposeStringList('stewardEmails'),
    columns: t.field({
      type: [ColumnRef],
      resolve: (dataset, _args, { catalog }) => catalog.columnsOf(dataset.id),
    }),
    dimensions: t.field({
      type: [DimensionRef],
      resolve: (dataset, _args, { catalog }) => catalog.dimensionsOf(dataset.id),
    }),
    joinPaths: t.field({
      type: [JoinPathRef],
      description:
        'How this dataset joins others (foreign keys and shared semantic entities), both directions.',
      resolve: (dataset, _args, { catalog }) => catalog.joinPathsOf(dataset.id),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const DatasetFilter = builder.inputType('DatasetFilter', {
  fields: (t) => ({
    domain: t.string({ required: false }),
    tag: t.string({ required: false }),
    source: t.string({ required: false }),
    search: t.string({
      required: false,
      description: 'Case-insensitive match on name, path or description.',
    }),
  }),
});

builder.queryFields((t) => ({
  dataset: t.field({
    type: DatasetRef,
    nullable: true,
    args: { path: t.arg.string({ required: true }) },
    resolve: (_root, { path }, { catalog }) => catalog.dataset(path),
  }),
  datasets: t.connection(
    {
      type: DatasetRef,
      args: { filter: t.arg({ type: DatasetFilter, required: false }) },
      resolve: (_root, { filter, ...args }, { catalog }) =>
        cursorConnection(
          args,
          (page) => catalog.datasets(page, withoutNulls(filter)),
          (dataset) => dataset.path,
        ),
    },
    { fields: (c) => ({ totalCount: c.exposeInt('totalCount') }) },
  ),
}));
