import type { NotMeSimulation, RuleSimulationResult } from '../../../mining/workflow/rule-simulation.ts';
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

const NotMeSimulationRef = builder.objectRef<NotMeSimulation>('RuleSimulationNotMe').implement({
  description:
    'The requests people called "not me", replayed apart: a rule that would approve any of them should not be added.',
  fields: (t) => ({
    matched: t.exposeInt('matched', { description: 'Those the draft matches on its own.' }),
    approvedByDraft: t.exposeInt('approvedByDraft', { description: 'Those the draft approves on its own.' }),
    approvedWithRules: t.exposeInt('approvedWithRules', {
      description: 'Those the rules in force with the draft approve (deny wins).',
    }),
    approvedExamples: t.exposeIDList('approvedExamples', {
      description: 'The latest request ids the draft approves (at most 5).',
    }),
  }),
});

const RuleSimulationRef = builder.objectRef<RuleSimulationResult>('RuleSimulation').implement({
  description: 'A backtest of a draft rule over the requests people decided.',
  fields: (t) => ({
    ruleId: t.exposeString('ruleId'),
    action: t.exposeString('action', { description: 'What it would have done to the requests it matches.' }),
    decisions: t.exposeInt('decisions', { description: 'Requests people decided, replayed.' }),
    matched: t.exposeInt('matched', { description: 'Requests it matches, "not me" ones apart.' }),
    matchedApproved: t.exposeInt('matchedApproved', { description: 'Matched requests people approved.' }),
    matchedDenied: t.exposeInt('matchedDenied', { description: 'Matched requests people denied.' }),
    overturned: t.exposeInt('overturned', { description: 'Matched requests people decided the other way.' }),
    overturnRate: t.exposeFloat('overturnRate'),
    overturnedExamples: t.exposeIDList('overturnedExamples', {
      description: 'The latest of those request ids (at most 5).',
    }),
    withRules: t.expose('withRules', { type: SimulationOutcomesRef }),
    notMe: t.expose('notMe', { type: NotMeSimulationRef }),
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
