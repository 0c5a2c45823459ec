import type { SuggestionPromise } from '../../../mining/suggestion-promise.ts';
import { builder } from '../../builder.ts';
import { HeldOutCheckRef } from './held-out-check.ts';

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
        'How the threshold was chosen: calibrated (held-out false approvals within the target), strictest (none was, not even the strictest: no approve rule is suggested), too-few-denials (not measurable; fixed default), fixed (set by hand) or off (calibration switched off; fixed default).',
    }),
    targetFalseApprovalRate: t.exposeFloat('targetFalseApprovalRate'),
    confidence: t.exposeFloat('confidence'),
    heldOut: t.field({ type: HeldOutCheckRef, nullable: true, resolve: (promise) => promise.heldOut }),
    text: t.exposeString('text', { description: 'The promise in words.' }),
  }),
});
