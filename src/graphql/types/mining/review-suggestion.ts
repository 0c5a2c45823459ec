import type { AcceptedSuggestion } from '../../../mining/workflow/accept-suggestion.ts';
import { builder } from '../../builder.ts';
import { withoutNulls } from '../../without-nulls.ts';
import { RuleSuggestionRef } from './rule-suggestion.ts';

const AcceptedRuleSuggestionRef = builder.objectRef<AcceptedSuggestion>('AcceptedRuleSuggestion').implement({
  fields: (t) => ({
    suggestion: t.expose('suggestion', { type: RuleSuggestionRef }),
    rule: t.expose('rule', {
      type: 'JSON',
      description: 'The rule created, as validated (durations in seconds).',
    }),
    ruleSetVersion: t.exposeInt('ruleSetVersion', { description: 'The rule-set version that added it.' }),
  }),
});

const AcceptRuleSuggestionInput = builder.inputType('AcceptRuleSuggestionInput', {
  description: 'What to change in the rule made from a suggestion; everything else comes from it.',
  fields: (t) => ({
    ruleId: t.string({ required: false, description: 'Default mined-<8 hex>.' }),
    description: t.string({
      required: false,
      description: 'Default: the conditions and the evidence in words.',
    }),
    maxDuration: t.string({
      required: false,
      description: 'Approve rules: ISO 8601 or seconds; default PT8H.',
    }),
    reason: t.string({
      required: false,
      description: 'Deny rules: shown to the agent; default from the evidence.',
    }),
    position: t.int({
      required: false,
      description: 'Place in the ordered rules, 0 = first (the default, so it decides before route rules).',
    }),
  }),
});

builder.mutationFields((t) => ({
  acceptRuleSuggestion: t.field({
    type: AcceptedRuleSuggestionRef,
    authScopes: { governance: true },
    description:
      'Makes a NEW suggestion a rule (with its provenance), validated like an authored rule and applied as a new rule-set version.',
    args: {
      id: t.arg.id({ required: true }),
      edits: t.arg({ type: AcceptRuleSuggestionInput, required: false }),
    },
    resolve: (_root, { id, edits }, { mining, viewer }) => {
      const { ruleId, ...rest } = withoutNulls(edits);
      return mining.accept(viewer, String(id), { ...rest, ...(ruleId === undefined ? {} : { id: ruleId }) });
    },
  }),
  rejectRuleSuggestion: t.field({
    type: RuleSuggestionRef,
    authScopes: { governance: true },
    description:
      'Rejects a NEW suggestion; it is not suggested again unless its evidence changes materially.',
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: (_root, { id, reason }, { mining, viewer }) => mining.reject(viewer, String(id), reason),
  }),
}));
