import { builder } from '../builder.ts';
import { tierFields } from './access.ts';
import { DomainRef, GlossaryTermRef } from './catalog-objects.ts';
import { SensitivityEnum } from './enums.ts';
import { cursorConnection } from './pagination.ts';

GlossaryTermRef.implement({
  description: 'A business term and its agreed definition.',
  fields: (t) => ({
    name: t.exposeString('name'),
    ...tierFields(t),
    definition: t.exposeString('definition'),
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
      args: { search: t.arg.string({ required: false }) },
      resolve: (_root, { search, ...args }, { catalog }) =>
        cursorConnection(
          args,
          (page) => catalog.glossaryTerms(page, search ?? undefined),
          (term) => term.name,
        ),
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => connection.totalCount }) }) },
  ),
}));
