import { DatasetRef, JoinPathRef } from './catalog-objects.ts';
import { JoinPathKindEnum } from './enums.ts';

JoinPathRef.implement({
  description: 'How two datasets join: `from.fromColumns = to.toColumns`.',
  fields: (t) => ({
    kind: t.expose('kind', { type: JoinPathKindEnum }),
    name: t.exposeString('name', { nullable: true }),
    from: t.field({
      type: DatasetRef,
      resolve: async (join, _args, { catalog }) => (await catalog.datasetById(join.fromDatasetId))!,
    }),
    to: t.field({
      type: DatasetRef,
      resolve: async (join, _args, { catalog }) => (await catalog.datasetById(join.toDatasetId))!,
    }),
    fromColumns: t.exposeStringList('fromColumns'),
    toColumns: t.exposeStringList('toColumns'),
  }),
});
