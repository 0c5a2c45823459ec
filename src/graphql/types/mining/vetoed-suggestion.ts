import type { VetoedSuggestion } from '../../../mining/vetoed-suggestions.ts';
import { builder } from '../../builder.ts';
import { RuleConditionRef } from './suggestion-evidence.ts';

export const VetoedSuggestionRef = builder.objectRef<VetoedSuggestion>('VetoedRuleSuggestion').implement({
  description:
    'An approve rule the decisions support that mining does not suggest: it would approve requests the people they were made for called "not me".',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'The id it would have had as a suggestion.' }),
    conditions: t.expose('conditions', { type: [RuleConditionRef] }),
    support: t.exposeInt('support', { description: 'Decisions by approvers it matches.' }),
    approved: t.exposeInt('approved'),
    lowerBound: t.exposeFloat('lowerBound'),
    notMe: t.exposeInt('notMe', {
      description: 'Decisions it matches that the person called "not me": why it is vetoed.',
    }),
    notMeExamples: t.exposeIDList('notMeExamples', { description: 'The first of those (at most 3).' }),
  }),
});
