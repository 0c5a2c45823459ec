import type { SuggestionPromise } from '../../../mining/suggestion-promise.ts';
import { builder } from '../../builder.ts';

type HeldOut = NonNullable<SuggestionPromise['heldOut']>;

const HeldOutCheckRef = builder.objectRef<HeldOut>('SuggestionHeldOutCheck').implement({
  description:
    "The run's check on decisions it was not mined on: its rules, mined on all folds of the history but one, measured on the fold left out, pooled over the folds.",
  fields: (t) => ({
    folds: t.exposeInt('folds'),
    decisions: t.exposeInt('decisions'),
    denials: t.exposeInt('denials', { description: 'Held-out decisions people denied.' }),
    falseApprovals: t.exposeInt('falseApprovals', {
      description: 'Of those, the ones the rules would have approved.',
    }),
    falseApprovalUpperBound: t.exposeFloat('falseApprovalUpperBound', {
      description: 'Upper confidence bound on the share of denied requests the rules would approve.',
    }),
  }),
});

export const SuggestionPromiseRef = builder.objectRef<SuggestionPromise>('SuggestionPromise').implement({
  description: 'What a suggestion promises, and on how many decisions.',
  fields: (t) => ({
    estimator: t.exposeString('estimator', {
      description: 'wilson (lower confidence bound) or shrunk (the rate shrunk towards the usual rate).',
    }),
    estimate: t.exposeFloat('estimate', { description: 'The judged rate it cleared the threshold with.' }),
    threshold: t.exposeFloat('threshold'),
    decisions: t.exposeInt('decisions', { description: 'Decisions its own rate stands on.' }),
    calibration: t.exposeString('calibration', {
      description:
        'How the threshold was chosen: calibrated (held-out false approvals within the target), strictest (none was), too-few-denials (not measurable; fixed default), fixed (set by hand) or off (calibration switched off; fixed default).',
    }),
    targetFalseApprovalRate: t.exposeFloat('targetFalseApprovalRate'),
    confidence: t.exposeFloat('confidence'),
    heldOut: t.field({ type: HeldOutCheckRef, nullable: true, resolve: (promise) => promise.heldOut }),
    text: t.exposeString('text', { description: 'The promise in words.' }),
  }),
});
