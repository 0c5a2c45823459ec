import type { RuleSet } from '../../requests/rules/rule-store.ts';
import { builder } from '../builder.ts';
import { ApplyResultRef } from './policies.ts';

const RuleSetRef = builder.objectRef<RuleSet>('RuleSet').implement({
  description:
    'The ordered rules that decide access requests: their version and the rules as data (the YAML format, as JSON; a route written with the approvers/requiredApprovals shorthand reads back as its one step).',
  fields: (t) => ({
    version: t.exposeInt('version'),
    rules: t.expose('rules', { type: 'JSON' }),
  }),
});

builder.queryField('rules', (t) =>
  t.field({
    type: RuleSetRef,
    authScopes: { governance: true },
    resolve: (_root, _args, { requests, viewer }) => requests.readRules(viewer),
  }),
);

builder.mutationField('applyRules', (t) =>
  t.field({
    type: ApplyResultRef,
    authScopes: { governance: true },
    description:
      'Replaces the whole ordered rule list (validated field by field) as a new version; dryRun shows the difference only.',
    args: { rules: t.arg({ type: 'JSON', required: true }), dryRun: t.arg.boolean({ required: false }) },
    resolve: (_root, { rules, dryRun }, { requests, viewer }) =>
      requests.applyRulesJson(viewer, rules, dryRun ?? false),
  }),
);
