import type { BacktestSummary } from '../../../mining/backtest.ts';
import type { MiningRunSummary } from '../../../mining/workflow/store-mining-result.ts';
import { builder } from '../../builder.ts';
import { withoutNulls } from '../../without-nulls.ts';
import { MiningCalibrationRef } from './mining-calibration.ts';
import { VetoedSuggestionRef } from './vetoed-suggestion.ts';

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
    suggestions: t.expose('suggestions', { type: MiningRunCountsRef }),
    backtest: t.expose('backtest', { type: BacktestSummaryRef }),
    vetoed: t.expose('vetoed', {
      type: [VetoedSuggestionRef],
      description:
        'Approve rules the decisions support that were not suggested because they would approve requests people called "not me" (the broadest, at most 20).',
    }),
    stats: t.expose('stats', { type: 'JSON' }),
    calibration: t.field({
      type: MiningCalibrationRef,
      nullable: true,
      description:
        'How the threshold was chosen and what it promises; null for runs stored before calibration.',
      resolve: (run) => run.calibration ?? null,
    }),
  }),
});

const MiningOptionsInput = builder.inputType('MiningOptionsInput', {
  fields: (t) => ({
    threshold: t.float({
      required: false,
      description:
        'The rate a suggestion must reach, in [0.5, 1). Omitted: calibrated on the history so that false approvals stay within maxFalseApprovalRate of denied requests on held-out folds. Set: used as it is, and no promise on false approvals is made.',
    }),
    maxFalseApprovalRate: t.float({
      required: false,
      description:
        'The promise of a calibrated run: false approvals at most this share of denied requests, in (0, 0.5) (default 0.01). Ignored when threshold is set.',
    }),
    minSupport: t.int({ required: false, description: 'Fewest decisions (default 20).' }),
    minDistinctApprovers: t.int({ required: false, description: 'Fewest distinct deciders (default 2).' }),
    maxConditions: t.int({ required: false, description: '2 or 3 (default 3).' }),
  }),
});

builder.mutationField('runMining', (t) =>
  t.field({
    type: MiningRunRef,
    authScopes: { governance: true },
    description: 'Mines the decision history now and stores the suggestions.',
    args: { options: t.arg({ type: MiningOptionsInput, required: false }) },
    resolve: (_root, { options }, { mining, viewer }) => mining.runNow(viewer, withoutNulls(options)),
  }),
);
