import type { AccessExplanationShape } from '../../catalog/read/catalog-reader.ts';
import type { Viewer } from '../../identity/viewer.ts';
import { builder } from '../builder.ts';
import { TierEnum } from './intent.ts';
import { simulatedViewerArgs, simulatedViewerOf } from './policies.ts';

/** An explanation, and (explainAccessFor) the simulated viewer it explains for; else the caller. */
type ExplainedAccess = AccessExplanationShape & { for?: Viewer };

const AccessExplanationRef = builder.objectRef<ExplainedAccess>('AccessExplanation').implement({
  description: 'Why the viewer sees an object as it does, under which policy version.',
  fields: (t) => ({
    path: t.exposeString('path'),
    kind: t.exposeString('kind', { description: 'dataset, column, metric or glossary' }),
    tier: t.expose('tier', { type: TierEnum }),
    policyVersion: t.exposeInt('policyVersion'),
    allowedBy: t.exposeStringList('allowedBy', {
      description:
        "Allow policies (by id) and the viewer's own grants (`grant:<id>`) that matched. Policy ids are shown to everyone a policy applies to: they name rules, never catalog objects.",
    }),
    deniedBy: t.exposeStringList('deniedBy', {
      description:
        'Deny policies (by id) that matched; only a READ deny can appear (a DISCOVER deny hides the object).',
    }),
    cappedBy: t.exposeStringList('cappedBy', {
      description:
        'Limits that lowered the tier: `ceiling:<hop>` (0 = the first agent), `intent`, `dataset`, `dependency:<path>` (a dependency the viewer may discover but not read), `dependency:hidden` (one it may not discover, never named).',
    }),
    maskMethod: t.string({ nullable: true, resolve: (explanation) => explanation.mask?.method ?? null }),
    maskPolicy: t.string({ nullable: true, resolve: (explanation) => explanation.mask?.policyId ?? null }),
    rowFilter: t.exposeString('rowFilter', { nullable: true }),
    vendedRoles: t.stringList({
      description:
        'The active database logins vended to you (an agent: this delegation; a person: any of your agents) whose reach includes this object.',
      resolve: (explanation, _args, { vending, viewer }) =>
        vending.rolesCarrying(explanation.for ?? viewer, explanation),
    }),
  }),
});

builder.queryField('explainAccess', (t) =>
  t.field({
    type: AccessExplanationRef,
    nullable: true,
    description:
      'For objects the viewer may at least discover; anything else answers null, like a nonexistent path.',
    args: {
      path: t.arg.string({
        required: true,
        description: 'A dataset or column path, a metric or glossary term name.',
      }),
    },
    resolve: (_root, { path }, { catalog }) => catalog.explain(path),
  }),
);

builder.queryField('explainAccessFor', (t) =>
  t.field({
    type: AccessExplanationRef,
    nullable: true,
    authScopes: { governance: true },
    description:
      "What explainAccess would tell a person, alone or through a chain of agents (client ids, outermost first) under an intent, through a channel, about one path; vendedRoles are that person's (or chain's). An unknown person, or a path they may not discover or that does not exist: null.",
    args: {
      ...simulatedViewerArgs,
      path: t.arg.string({
        required: true,
        description: 'A dataset or column path, a metric or glossary term name.',
      }),
    },
    resolve: async (_root, args, { access, viewer }) => {
      const explained = await access.explainFor(viewer, { ...simulatedViewerOf(args), path: args.path });
      return explained ? { ...explained.explanation, for: explained.viewer } : null;
    },
  }),
);
