import { DimensionRef } from './catalog-objects.ts';

DimensionRef.implement({
  description: 'A dimension of a semantic model over a dataset.',
  fields: (t) => ({
    name: t.exposeString('name'),
    semanticModel: t.exposeString('semanticModel'),
    type: t.exposeString('type', { description: '`categorical` or `time`.' }),
    expr: t.exposeString('expr', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
  }),
});
