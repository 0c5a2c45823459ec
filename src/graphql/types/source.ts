import { builder } from '../builder.ts';
import { SchemaRef, SourceRef } from './catalog-objects.ts';

SourceRef.implement({
  description:
    'A data source: a warehouse database or a live PostgreSQL database (the first segment of a path).',
  fields: (t) => ({
    name: t.exposeString('name'),
    schemas: t.field({
      type: [SchemaRef],
      resolve: (source, _args, { catalog }) => catalog.schemasOf(source.id),
    }),
  }),
});

SchemaRef.implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    path: t.exposeString('path', { description: '`source.schema`' }),
  }),
});

builder.queryField('sources', (t) =>
  t.field({ type: [SourceRef], resolve: (_root, _args, { catalog }) => catalog.sources() }),
);
