import type { RequestStats, RequestStatsBucket, TimeToDecision } from '../../requests/stats/request-stats.ts';
import { maxStatsBuckets } from '../../requests/stats/request-stats.ts';
import { builder } from '../builder.ts';

const StatsBucketEnum = builder.enumType('StatsBucket', {
  description: 'The width of a chart bucket, in UTC.',
  values: ['DAY', 'HOUR'] as const,
});

const RequestStatsBucketRef = builder.objectRef<RequestStatsBucket>('RequestStatsBucket').implement({
  description:
    'Requests filed in one bucket, and requests decided in it (by when the decision was made). Automatic: a rule decided; human: a person did.',
  fields: (t) => ({
    start: t.expose('start', { type: 'DateTime' }),
    filed: t.exposeInt('filed'),
    autoApproved: t.exposeInt('autoApproved'),
    autoDenied: t.exposeInt('autoDenied'),
    humanApproved: t.exposeInt('humanApproved'),
    humanDenied: t.exposeInt('humanDenied'),
    expired: t.exposeInt('expired', { description: 'No approver decided in time.' }),
    cancelled: t.exposeInt('cancelled', { description: 'Withdrawn by the agent.' }),
  }),
});

const TimeToDecisionRef = builder.objectRef<TimeToDecision>('TimeToDecision').implement({
  description:
    'How long people took to approve or deny, for requests they decided in the range (rules aside).',
  fields: (t) => ({
    decided: t.exposeInt('decided'),
    medianSeconds: t.exposeFloat('medianSeconds', { nullable: true, description: 'Null: nobody decided.' }),
    p90Seconds: t.exposeFloat('p90Seconds', { nullable: true, description: 'Null: nobody decided.' }),
  }),
});

const RequestStatsRef = builder.objectRef<RequestStats>('RequestStats').implement({
  fields: (t) => ({
    buckets: t.expose('buckets', {
      type: [RequestStatsBucketRef],
      description: 'Every bucket from the one holding `from` to before `to`, empty ones included.',
    }),
    timeToDecision: t.expose('timeToDecision', { type: TimeToDecisionRef }),
  }),
});

builder.queryField('accessRequestStats', (t) =>
  t.field({
    type: RequestStatsRef,
    authScopes: { governance: true },
    description: `Access requests and their decisions over time, for charts (governance). At most ${maxStatsBuckets} buckets; from after to is invalid.`,
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true, description: 'Exclusive.' }),
      bucket: t.arg({ type: StatsBucketEnum, required: true }),
    },
    resolve: (_root, { from, to, bucket }, { requests, viewer }) =>
      requests.stats(viewer, { from, to, bucket }),
  }),
);
