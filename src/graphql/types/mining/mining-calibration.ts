import { calibrationSentence } from '../../../mining/suggestion-promise.ts';
import type { MiningRunSummary } from '../../../mining/workflow/store-mining-result.ts';
import { builder } from '../../builder.ts';

type RunCalibration = NonNullable<MiningRunSummary['calibration']>;
type HeldOutPoint = NonNullable<RunCalibration['chosen']>;

const HeldOutPointRef = builder.objectRef<HeldOutPoint>('MiningCalibrationHeldOut').implement({
  description:
    "What the run's rules did at the chosen threshold on decisions they were not mined on: mined on all folds but one, measured on the fold left out, pooled over the folds.",
  fields: (t) => ({
    decisions: t.exposeInt('decisions', { description: 'Held-out decisions.' }),
    denials: t.exposeInt('denials', { description: 'Held-out decisions people denied.' }),
    covered: t.exposeInt('covered', { description: 'Held-out decisions the rules decided.' }),
    falseApprovals: t.exposeInt('falseApprovals', {
      description: 'Held-out denials the rules would have approved.',
    }),
    falseApprovalUpperBound: t.exposeFloat('falseApprovalUpperBound', {
      description: 'Upper confidence bound on the share of denied requests the rules would approve.',
    }),
  }),
});

/** How a run chose its threshold, and the promise it could make (see `ThresholdCalibration`). */
export const MiningCalibrationRef = builder.objectRef<RunCalibration>('MiningCalibration').implement({
  description:
    "How a run's threshold was chosen and what it promises: false approvals within the target share of denied requests, checked on held-out folds of the history.",
  fields: (t) => ({
    status: t.exposeString('status', {
      description:
        'calibrated (held-out false approvals within the target), strictest (no threshold was; the strictest is used, no promise), too-few-denials (not measurable; the fixed default applies, no promise), fixed (set by hand, no promise) or off (calibration switched off; the fixed default applies, no promise).',
    }),
    threshold: t.exposeFloat('threshold', { description: 'The threshold the suggestions were mined at.' }),
    estimator: t.exposeString('estimator', {
      description: 'wilson (lower confidence bound) or shrunk (the rate shrunk towards the usual rate).',
    }),
    targetFalseApprovalRate: t.exposeFloat('targetFalseApprovalRate', {
      description: 'The promised ceiling on false approvals, as a share of denied requests.',
    }),
    confidence: t.exposeFloat('confidence', { description: 'Confidence of the held-out upper bound.' }),
    folds: t.exposeInt('folds'),
    decisions: t.exposeInt('decisions', {
      description: 'Decisions the calibration used (a seeded sample of large histories).',
    }),
    denials: t.exposeInt('denials', { description: 'Of those, the ones people denied.' }),
    heldOut: t.field({
      type: HeldOutPointRef,
      nullable: true,
      description: 'The held-out check at the chosen threshold; null when none was measured.',
      resolve: (calibration) => calibration.chosen,
    }),
    text: t.string({
      description: 'How the threshold was chosen and what that promises, in words.',
      resolve: (calibration) => calibrationSentence(calibration),
    }),
  }),
});
