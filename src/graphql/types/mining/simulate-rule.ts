import type { RuleSimulationResult } from '../../../mining/workflow/rule-simulation.ts';
import { builder } from '../../builder.ts';

const SimulationOutcomesRef = builder
  .objectRef<RuleSimulationResult['withRules']>('RuleSimulationOutcomes')
  .implement({
    description: 'What the rules in force plus the draft would have decided (deny wins).',
    fields: (t) => ({
      decidedByDraft: t.exposeInt('decidedByDraft'),
      approve: t.exposeInt('approve'),
      deny: t.exposeInt('deny'),
      route: t.exposeInt('route'),
    }),
  });

const RuleSimulationRef = builder.objectRef<RuleSimulationResult>('RuleSimulation').implement({
  description: 'A backtest of a draft rule over the requests people decided.',
  fields: (t) => ({
    ruleId: t.exposeString('ruleId'),
    action: t.exposeString('action', { description: 'What it would have done to the requests it matches.' }),
    decisions: t.exposeInt('decisions', { description: 'Requests people decided, replayed.' }),
    matched: t.exposeInt('matched'),
    matchedApproved: t.exposeInt('matchedApproved', { description: 'Matched requests people approved.' }),
    matchedDenied: t.exposeInt('matchedDenied', { description: 'Matched requests people denied.' }),
    overturned: t.exposeInt('overturned', { description: 'Matched requests people decided the other way.' }),
    overturnRate: t.exposeFloat('overturnRate'),
    overturnedExamples: t.exposeIDList('overturnedExamples', {
      description: 'The latest of those request ids (at most 5).',
    }),
    withRules: t.expose('withRules', { type: SimulationOutcomesRef }),
  }),
});

builder.queryField('simulateRule', (t) =>
  t.field({
    type: RuleSimulationRef,
    authScopes: { governance: true },
    description:
      'Backtests a draft rule (the rule file format, validated like an authored rule) over the requests people decided.',
    args: { rule: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, { rule }, { mining, viewer }) => mining.simulateJson(viewer, rule),
  }),
);
