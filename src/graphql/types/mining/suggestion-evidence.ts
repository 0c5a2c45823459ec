import type { Backtest } from '../../../mining/backtest.ts';
import type { RuleConflict } from '../../../mining/existing-rules.ts';
import type { Reach } from '../../../mining/reach.ts';
import type { RuleCondition } from '../../../mining/rule-condition.ts';
import type { PreviousRejection } from '../../../mining/workflow/stored-suggestion.ts';
import { builder } from '../../builder.ts';

/** The miner stores its dates as ISO strings inside the evidence JSON. */
const isoDate = (value: string | null) => (value ? new Date(value) : null);

export const RuleConditionRef = builder.objectRef<RuleCondition>('RuleSuggestionCondition').implement({
  description: 'human.*, resource.* or request.* equals a value (contains, for tags and groups).',
  fields: (t) => ({
    attribute: t.exposeString('attribute'),
    operator: t.exposeString('operator', { description: 'equals or contains.' }),
    value: t.exposeString('value'),
  }),
});

export const BacktestRef = builder.objectRef<Backtest>('SuggestionBacktest').implement({
  description:
    'What the suggestion would have decided in the mined history, next to the other suggestions (deny wins).',
  fields: (t) => ({
    autoDecided: t.exposeInt('autoDecided'),
    agreed: t.exposeInt('agreed', { description: 'Decided the way people did.' }),
    overturned: t.exposeInt('overturned', { description: 'Decided the other way from people.' }),
    overturnRate: t.exposeFloat('overturnRate'),
    from: t.field({ type: 'DateTime', nullable: true, resolve: (backtest) => isoDate(backtest.from) }),
    to: t.field({ type: 'DateTime', nullable: true, resolve: (backtest) => isoDate(backtest.to) }),
  }),
});

export const ReachRef = builder.objectRef<Reach>('SuggestionReach').implement({
  description:
    'What it would allow (or deny) beyond what people decided: pairs of requester and resource seen in the log that it matches and no decision paired.',
  fields: (t) => ({
    humans: t.exposeInt('humans'),
    resources: t.exposeInt('resources'),
    pairs: t.exposeInt('pairs'),
    decidedPairs: t.exposeInt('decidedPairs'),
    undecidedPairs: t.exposeInt('undecidedPairs'),
  }),
});

export const RuleConflictRef = builder.objectRef<RuleConflict>('SuggestionConflict').implement({
  description: 'A rule in force of the other action that could match the same requests.',
  fields: (t) => ({
    ruleId: t.exposeString('ruleId'),
    action: t.exposeString('action'),
    sharedDecisions: t.exposeInt('sharedDecisions'),
  }),
});

export const PreviousRejectionRef = builder
  .objectRef<PreviousRejection>('SuggestionPreviousRejection')
  .implement({
    description:
      'The rejection of the same rule this suggestion came back from, on materially changed evidence.',
    fields: (t) => ({
      suggestionId: t.exposeID('suggestionId'),
      reason: t.exposeString('reason', { nullable: true }),
      rejectedAt: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (rejection) => isoDate(rejection.rejectedAt),
      }),
      support: t.exposeInt('support', { description: 'Support when it was rejected.' }),
      lowerBound: t.exposeFloat('lowerBound', { description: 'Lower bound when it was rejected.' }),
    }),
  });
