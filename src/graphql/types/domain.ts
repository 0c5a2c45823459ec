import { builder } from '../builder.ts';
import { DomainRef } from './catalog-objects.ts';

DomainRef.implement({
  description: 'A business domain (sales, finance, ...) that datasets, metrics and terms belong to.',
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
  }),
});

builder.queryField('domains', (t) =>
  t.field({ type: [DomainRef], resolve: (_root, _args, { catalog }) => catalog.domains() }),
);
