import { RuleSuggestionStatus } from '../../../generated/prisma/enums.ts';
import type { Backtest, BacktestSummary } from '../../mining/backtest.ts';
import type { RuleConflict } from '../../mining/existing-rules.ts';
import type { Reach } from '../../mining/reach.ts';
import { formatCondition, type RuleCondition } from '../../mining/rule-condition.ts';
import type { AcceptedSuggestion } from '../../mining/workflow/accept-suggestion.ts';
import type { RuleSimulationResult } from '../../mining/workflow/rule-simulation.ts';
import type { MiningRunSummary } from '../../mining/workflow/store-mining-result.ts';
import type { PreviousRejection, StoredSuggestion } from '../../mining/workflow/stored-suggestion.ts';
import { suggestionToRule } from '../../mining/workflow/suggestion-to-rule.ts';
import { InvalidInputError } from '../../shared/errors.ts';
import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { listSize } from './pagination.ts';

const RuleSuggestionStatusEnum = builder.enumType('RuleSuggestionStatus', {
  description:
    'NEW until reviewed: ACCEPTED (a rule was made from it) or REJECTED; SUPERSEDED when a later run no longer found it.',
  values: Object.values(RuleSuggestionStatus),
});

const RuleConditionRef = builder.objectRef<RuleCondition>('RuleSuggestionCondition').implement({
  description: 'human.*, resource.* or request.* equals a value (contains, for tags and groups).',
  fields: (t) => ({
    attribute: t.exposeString('attribute'),
    operator: t.exposeString('operator', { description: 'equals or contains.' }),
    value: t.exposeString('value'),
  }),
});

const isoDate = (value: string | null) => (value ? new Date(value) : null);

const BacktestRef = builder.objectRef<Backtest>('SuggestionBacktest').implement({
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

const ReachRef = builder.objectRef<Reach>('SuggestionReach').implement({
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

const RuleConflictRef = builder.objectRef<RuleConflict>('SuggestionConflict').implement({
  description: 'A rule in force of the other action that could match the same requests.',
  fields: (t) => ({
    ruleId: t.exposeString('ruleId'),
    action: t.exposeString('action'),
    sharedDecisions: t.exposeInt('sharedDecisions'),
  }),
});

const PreviousRejectionRef = builder.objectRef<PreviousRejection>('SuggestionPreviousRejection').implement({
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

export const RuleSuggestionRef = builder.objectRef<StoredSuggestion>('RuleSuggestion').implement({
  description:
    'A rule mined from human decisions, with the evidence to review before accepting it as a rule.',
  fields: (t) => ({
    id: t.exposeID('id'),
    status: t.field({ type: RuleSuggestionStatusEnum, resolve: (suggestion) => suggestion.status }),
    action: t.exposeString('action', { description: 'approve or deny.' }),
    conditions: t.field({ type: [RuleConditionRef], resolve: (suggestion) => suggestion.conditions }),
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
    distinctTeams: t.int({ resolve: (suggestion) => suggestion.evidence.distinctTeams }),
    teams: t.stringList({ resolve: (suggestion) => suggestion.evidence.teams }),
    backtest: t.field({ type: BacktestRef, resolve: (suggestion) => suggestion.evidence.backtest }),
    reach: t.field({ type: ReachRef, resolve: (suggestion) => suggestion.evidence.reach }),
    conflicts: t.field({ type: [RuleConflictRef], resolve: (suggestion) => suggestion.conflicts }),
    previousRejection: t.field({
      type: PreviousRejectionRef,
      nullable: true,
      resolve: (suggestion) => suggestion.evidence.previousRejection ?? null,
    }),
    evidence: t.field({
      type: 'JSON',
      description: 'All of the evidence, examples of agreeing and disagreeing decisions included.',
      resolve: (suggestion) => suggestion.evidence,
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
    createdAt: t.field({ type: 'DateTime', resolve: (suggestion) => suggestion.createdAt }),
    reviewedAt: t.field({ type: 'DateTime', nullable: true, resolve: (suggestion) => suggestion.reviewedAt }),
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

const AcceptedRuleSuggestionRef = builder.objectRef<AcceptedSuggestion>('AcceptedRuleSuggestion').implement({
  fields: (t) => ({
    suggestion: t.field({ type: RuleSuggestionRef, resolve: (accepted) => accepted.suggestion }),
    rule: t.field({
      type: 'JSON',
      description: 'The rule created, as validated (durations in seconds).',
      resolve: (accepted) => accepted.rule,
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
    withRules: t.field({ type: SimulationOutcomesRef, resolve: (result) => result.withRules }),
  }),
});

const MiningRunCountsRef = builder
  .objectRef<MiningRunSummary['suggestions']>('MiningRunSuggestionCounts')
  .implement({
    fields: (t) => ({
      mined: t.exposeInt('mined'),
      new: t.exposeInt('new'),
      resurfaced: t.exposeInt('resurfaced', {
        description: 'New ones rejected before, back on new evidence.',
      }),
      refreshed: t.exposeInt('refreshed', { description: 'Already NEW, refreshed with the new evidence.' }),
      superseded: t.exposeInt('superseded'),
      withheldRejected: t.exposeInt('withheldRejected'),
      withheldAccepted: t.exposeInt('withheldAccepted'),
    }),
  });

const BacktestSummaryRef = builder.objectRef<BacktestSummary>('MiningBacktestSummary').implement({
  fields: (t) => ({
    decisions: t.exposeInt('decisions'),
    autoApproved: t.exposeInt('autoApproved'),
    autoDenied: t.exposeInt('autoDenied'),
    coverage: t.exposeFloat('coverage'),
    falseApprovals: t.exposeInt('falseApprovals'),
    falseDenials: t.exposeInt('falseDenials'),
  }),
});

const MiningRunRef = builder.objectRef<MiningRunSummary>('MiningRun').implement({
  description: 'One run of the miner over the decision history.',
  fields: (t) => ({
    id: t.exposeID('runId'),
    trigger: t.exposeString('trigger'),
    startedAt: t.field({ type: 'DateTime', resolve: (run) => new Date(run.startedAt) }),
    finishedAt: t.field({ type: 'DateTime', resolve: (run) => new Date(run.finishedAt) }),
    requests: t.exposeInt('requests', { description: 'Requests people decided.' }),
    decisions: t.exposeInt('decisions', { description: 'Decisions mined (one per requested object).' }),
    skipped: t.exposeInt('skipped'),
    suggestions: t.field({ type: MiningRunCountsRef, resolve: (run) => run.suggestions }),
    backtest: t.field({ type: BacktestSummaryRef, resolve: (run) => run.backtest }),
    stats: t.field({ type: 'JSON', resolve: (run) => run.stats }),
  }),
});

const MiningOptionsInput = builder.inputType('MiningOptionsInput', {
  fields: (t) => ({
    threshold: t.float({
      required: false,
      description: 'Lower bound a suggestion must reach (default 0.95).',
    }),
    minSupport: t.int({ required: false, description: 'Fewest decisions (default 20).' }),
    minDistinctApprovers: t.int({ required: false, description: 'Fewest distinct deciders (default 2).' }),
    maxConditions: t.int({ required: false, description: '2 or 3 (default 3).' }),
  }),
});

builder.queryFields((t) => ({
  ruleSuggestions: t.field({
    type: [RuleSuggestionRef],
    authScopes: { governance: true },
    description: 'Mined rule suggestions, newest first; every status unless some are named.',
    args: {
      status: t.arg({ type: [RuleSuggestionStatusEnum], required: false }),
      first: t.arg.int({ required: false, description: 'At most 200; default 50.' }),
    },
    resolve: (_root, { status, first }, { mining, viewer }) =>
      mining.list(viewer, { statuses: status ?? undefined, first: listSize(first) }),
  }),
  ruleSuggestion: t.field({
    type: RuleSuggestionRef,
    nullable: true,
    authScopes: { governance: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { mining, viewer }) => mining.get(viewer, String(id)),
  }),
  simulateRule: t.field({
    type: RuleSimulationRef,
    authScopes: { governance: true },
    description:
      'Backtests a draft rule (the rule file format, validated like an authored rule) over the requests people decided.',
    args: { rule: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, { rule }, { mining, viewer }) => mining.simulate(viewer, rule),
  }),
}));

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
  runMining: t.field({
    type: MiningRunRef,
    authScopes: { governance: true },
    description: 'Mines the decision history now and stores the suggestions.',
    args: { options: t.arg({ type: MiningOptionsInput, required: false }) },
    resolve: (_root, { options }, { mining, viewer }) => mining.runNow(viewer, withoutNulls(options)),
  }),
}));
