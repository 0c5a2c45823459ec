import { ColumnAccessRef } from './access.ts';
import { ColumnRef, DatasetRef } from './catalog-objects.ts';
import { SensitivityEnum } from './enums.ts';

ColumnRef.implement({
  fields: (t) => ({
    path: t.exposeString('path', { description: '`source.schema.dataset.column`' }),
    access: t.field({
      type: ColumnAccessRef,
      description: 'Whether and how this column is masked for this viewer.',
      resolve: (column, _args, { catalog }) => catalog.access(column.id),
    }),
    name: t.exposeString('name'),
    position: t.exposeInt('position'),
    dataType: t.exposeString('dataType', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    tags: t.exposeStringList('tags'),
    sensitivity: t.expose('sensitivity', {
      type: SensitivityEnum,
      nullable: true,
      description: 'Set when the column is more sensitive than its dataset.',
    }),
    isPrimaryKey: t.exposeBoolean('isPrimaryKey'),
    dataset: t.field({
      type: DatasetRef,
      resolve: async (column, _args, { catalog }) => (await catalog.datasetById(column.datasetId))!,
    }),
  }),
});
