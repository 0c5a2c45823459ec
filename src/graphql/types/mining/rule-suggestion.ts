import { newestFirstCursor } from '../../../db/keyset-page.ts';
import { formatCondition } from '../../../mining/rule-condition.ts';
import type { StoredSuggestion } from '../../../mining/workflow/stored-suggestion.ts';
import { suggestionToRule } from '../../../mining/workflow/suggestion-to-rule.ts';
import { InvalidInputError } from '../../../shared/errors.ts';
import { builder } from '../../builder.ts';
import { keysetConnection } from '../pagination.ts';
import {
  BacktestRef,
  PreviousRejectionRef,
  ReachRef,
  RuleConditionRef,
  RuleConflictRef,
} from './suggestion-evidence.ts';
import { SuggestionPromiseRef } from './suggestion-promise.ts';
import { RuleSuggestionStatusEnum } from './suggestion-status.ts';

export const RuleSuggestionRef = builder.objectRef<StoredSuggestion>('RuleSuggestion').implement({
  description:
    'A rule mined from human decisions, with the evidence to review before accepting it as a rule.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.expose('status', { type: RuleSuggestionStatusEnum }),
    action: t.exposeString('action', { description: 'approve or deny.' }),
    conditions: t.expose('conditions', { type: [RuleConditionRef] }),
    summary: t.string({
      description: 'The action and the conditions in words.',
      resolve: (suggestion) =>
        `${suggestion.action} when ${suggestion.conditions.map(formatCondition).join(' and ')}`,
    }),
    support: t.int({
      description: 'Decisions it matches.',
      resolve: (suggestion) => suggestion.evidence.support,
    }),
    approved: t.int({ resolve: (suggestion) => suggestion.evidence.approved }),
    denied: t.int({ resolve: (suggestion) => suggestion.evidence.denied }),
    rate: t.float({
      description: 'Share decided its way (approval rate, or denial rate).',
      resolve: (suggestion) => suggestion.evidence.rate,
    }),
    lowerBound: t.float({
      description: 'One-sided Wilson lower bound on that rate, at `confidence`.',
      resolve: (suggestion) => suggestion.evidence.lowerBound,
    }),
    confidence: t.float({ resolve: (suggestion) => suggestion.evidence.confidence }),
    distinctApprovers: t.int({ resolve: (suggestion) => suggestion.evidence.distinctApprovers }),
    consentedAlways: t.int({
      description:
        'Matched decisions the person had confirmed with "always for this agent" (a standing consent).',
      resolve: (suggestion) => suggestion.evidence.consent?.always ?? 0,
    }),
    notMe: t.int({
      description:
        'Requests it matches that the person called "not me" (decisions, like support; in no other count). Always 0 for an approve suggestion: such a rule is never suggested. For a deny suggestion they support it.',
      resolve: (suggestion) => suggestion.evidence.consent?.notMe ?? 0,
    }),
    distinctTeams: t.int({ resolve: (suggestion) => suggestion.evidence.distinctTeams }),
    teams: t.stringList({ resolve: (suggestion) => suggestion.evidence.teams }),
    backtest: t.field({ type: BacktestRef, resolve: (suggestion) => suggestion.evidence.backtest }),
    reach: t.field({ type: ReachRef, resolve: (suggestion) => suggestion.evidence.reach }),
    promise: t.field({
      type: SuggestionPromiseRef,
      nullable: true,
      description:
        'What it promises: the estimate and threshold it cleared, how the threshold was chosen and the held-out check behind it. Null for suggestions stored before runs were calibrated.',
      resolve: (suggestion) => suggestion.evidence.promise ?? null,
    }),
    conflicts: t.expose('conflicts', { type: [RuleConflictRef] }),
    previousRejection: t.field({
      type: PreviousRejectionRef,
      nullable: true,
      resolve: (suggestion) => suggestion.evidence.previousRejection ?? null,
    }),
    evidence: t.expose('evidence', {
      type: 'JSON',
      description: 'All of the evidence, examples of agreeing and disagreeing decisions included.',
    }),
    ruleDraft: t.field({
      type: 'JSON',
      nullable: true,
      description:
        'The rule accepting it without edits would add (the rule file format); null when no rule can say its conditions.',
      resolve: (suggestion) => {
        try {
          return suggestionToRule(suggestion);
        } catch (error) {
          if (error instanceof InvalidInputError) return null;
          throw error;
        }
      },
    }),
    miningRunId: t.exposeID('miningRunId', { description: 'The run that found (or last refreshed) it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true }),
    reviewedByEmail: t.string({
      nullable: true,
      resolve: async (suggestion, _args, { identity }) =>
        suggestion.reviewedBy
          ? ((await identity.state.person({ id: suggestion.reviewedBy }))?.email ?? null)
          : null,
    }),
    rejectReason: t.exposeString('rejectReason', { nullable: true }),
    acceptedRuleId: t.exposeString('acceptedRuleId', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  ruleSuggestions: t.connection(
    {
      type: RuleSuggestionRef,
      authScopes: { governance: true },
      description:
        'Mined rule suggestions, newest first; every status unless some are named. first/last at most 200, default 50.',
      args: { status: t.arg({ type: [RuleSuggestionStatusEnum], required: false }) },
      resolve: (_root, { status, ...args }, { mining, viewer }) => {
        const filter = { statuses: status ?? undefined };
        return keysetConnection(
          args,
          (page) => mining.list(viewer, filter, page),
          newestFirstCursor,
          () => mining.count(viewer, filter),
        );
      },
    },
    { fields: (c) => ({ totalCount: c.int({ resolve: (connection) => connection.count() }) }) },
  ),
  ruleSuggestion: t.field({
    type: RuleSuggestionRef,
    nullable: true,
    authScopes: { governance: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { mining, viewer }) => mining.get(viewer, String(id)),
  }),
}));
