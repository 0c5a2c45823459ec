import { builder } from '../builder.ts';
import { tierFields } from './access.ts';
import { ColumnRef, DomainRef, GlossaryTermRef, MetricRef } from './catalog-objects.ts';
import { SensitivityEnum } from './enums.ts';
import { cursorConnection } from './pagination.ts';

GlossaryTermRef.implement({
  description:
    'A business term and its agreed definition. DISCOVER shows its name, short description (`summary`), owner, tags, sensitivity and domain; READ adds the full definition and the metrics and columns it is about.',
  fields: (t) => ({
    name: t.exposeString('name'),
    ...tierFields(t),
    summary: t.exposeString('summary', {
      description: 'A short description: the first sentence of the definition (at most 160 characters).',
    }),
    definition: t.exposeString('definition', {
      nullable: true,
      description: 'The full definition; null below READ (it says how the term is computed and from what).',
    }),
    ownerEmail: t.exposeString('ownerEmail', { nullable: true }),
    relatedMetrics: t.field({
      type: [MetricRef],
      description:
        'READ: the metrics this term is about (named by its key, abbreviation, definition or label) that the viewer may discover; empty below READ.',
      resolve: async (term, _args, { catalog }) => (await catalog.glossaryRelated(term.id)).metrics,
    }),
    relatedColumns: t.field({
      type: [ColumnRef],
      description:
        'READ: the columns this term is about (named by its key or definition) that the viewer may see; empty below READ.',
      resolve: async (term, _args, { catalog }) => (await catalog.glossaryRelated(term.id)).columns,
    }),
    tags: t.exposeStringList('tags'),
    sensitivity: t.expose('sensitivity', { type: SensitivityEnum }),
    domain: t.field({
      type: DomainRef,
      nullable: true,
      resolve: (term, _args, { catalog }) => (term.domainId ? catalog.domainById(term.domainId) : null),
    }),
  }),
});

builder.queryFields((t) => ({
  glossaryTerm: t.field({
    type: GlossaryTermRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, { catalog }) => catalog.glossaryTerm(name),
  }),
  glossaryTerms: t.connection(
    {
      type: GlossaryTermRef,
      args: {
        search: t.arg.string({
          required: false,
          description:
            'Case-insensitive match on the name and summary; on the full definition too for terms the viewer reads.',
        }),
      },
      resolve: (_root, { search, ...args }, { catalog }) =>
        cursorConnection(
          args,
          (page) => catalog.glossaryTerms(page, search ?? undefined),
          (term) => term.name,
        ),
    },
    { fields: (c) => ({ totalCount: c.exposeInt('totalCount') }) },
  ),
}));
