import { calibrationSentence, heldOutCheckOf } from '../../../mining/suggestion-promise.ts';
import type { MiningRunSummary } from '../../../mining/workflow/store-mining-result.ts';
import { builder } from '../../builder.ts';
import { HeldOutCheckRef } from './held-out-check.ts';

type RunCalibration = NonNullable<MiningRunSummary['calibration']>;
/** How a run chose its threshold, and the promise it could make (see `ThresholdCalibration`). */
export const MiningCalibrationRef = builder.objectRef<RunCalibration>('MiningCalibration').implement({
  description:
    "How a run's threshold was chosen and what it promises: false approvals within the target share of denied requests, checked on held-out folds of the history.",
  fields: (t) => ({
    status: t.exposeString('status', {
      description:
        'calibrated (held-out false approvals within the target), strictest (no threshold was, not even the strictest: no approve rule is suggested), too-few-denials (not measurable; the fixed default applies, no promise), fixed (set by hand, no promise) or off (calibration switched off; the fixed default applies, no promise).',
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
      type: HeldOutCheckRef,
      nullable: true,
      description: 'The held-out check at the chosen threshold; null when none was measured.',
      resolve: (calibration) => heldOutCheckOf(calibration),
    }),
    text: t.string({
      description: 'How the threshold was chosen and what that promises, in words.',
      resolve: (calibration) => calibrationSentence(calibration),
    }),
  }),
});
