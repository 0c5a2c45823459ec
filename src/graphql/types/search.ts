import type { SearchHit } from '../../catalog/read/catalog-reader.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { ColumnRef, DatasetRef, GlossaryTermRef, MetricRef } from './catalog-objects.ts';
import { offsetConnection } from './pagination.ts';

const SearchResult = builder.unionType('SearchResult', {
  types: [DatasetRef, ColumnRef, MetricRef, GlossaryTermRef],
  resolveType: (row) => {
    if ('schemaId' in row) return DatasetRef;
    if ('datasetId' in row) return ColumnRef;
    if ('type' in row) return MetricRef;
    return GlossaryTermRef;
  },
});

const SearchKind = builder.enumType('SearchKind', {
  values: ['DATASET', 'COLUMN', 'METRIC', 'GLOSSARY'] as const,
});

const SearchFilter = builder.inputType('SearchFilter', {
  fields: (t) => ({
    kinds: t.field({ type: [SearchKind], required: false }),
    tags: t.stringList({ required: false, description: 'Objects carrying any of these tags.' }),
    domains: t.stringList({ required: false }),
    sources: t.stringList({ required: false }),
  }),
});

builder.queryField('search', (t) =>
  t.connection(
    {
      type: SearchResult,
      description:
        'What this viewer may see among datasets, columns, metrics and glossary terms; best matches first.',
      args: {
        query: t.arg.string({
          required: true,
          description:
            'Matched case-insensitively against names, paths and descriptions (first 200 characters).',
        }),
        filter: t.arg({ type: SearchFilter, required: false }),
      },
      resolve: (_root, { query, filter, ...args }, { catalog }) => {
        const { kinds, ...rest } = withoutNulls(filter);
        return offsetConnection(args, async ({ offset, limit }) => {
          const page = await catalog.search(
            query.slice(0, 200),
            {
              ...rest,
              ...(kinds ? { kinds: kinds.map((kind) => kind.toLowerCase() as SearchHit['kind']) } : {}),
            },
            offset,
            limit,
          );
          return { items: page.items.map((hit) => hit.row), totalCount: page.totalCount };
        });
      },
    },
    { fields: (c) => ({ totalCount: c.exposeInt('totalCount') }) },
  ),
);
