import type { HeldOutCheck } from '../../../mining/suggestion-promise.ts';
import { builder } from '../../builder.ts';

export const HeldOutCheckRef = builder.objectRef<HeldOutCheck>('HeldOutCheck').implement({
  description:
    "A mining run's check on decisions it was not mined on, at its chosen threshold: rules mined on all folds of the history but one, measured on the fold left out, pooled over the folds.",
  fields: (t) => ({
    folds: t.exposeInt('folds'),
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
