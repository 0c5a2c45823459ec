import { builder } from '../builder.ts';
import { withoutNulls } from '../without-nulls.ts';
import { tierFields } from './access.ts';
import { ColumnRef, DatasetRef, DomainRef, MetricRef } from './catalog-objects.ts';
import { SensitivityEnum } from './enums.ts';
import { cursorConnection } from './pagination.ts';

const MetricDependencies = builder.objectRef<{ metricId: string }>('MetricDependencies').implement({
  description: 'What a metric reads directly, and the metrics it is computed from.',
  fields: (t) => ({
    datasets: t.field({
      type: [DatasetRef],
      resolve: async ({ metricId }, _args, { catalog }) =>
        (await catalog.metricDependencies(metricId)).datasets,
    }),
    columns: t.field({
      type: [ColumnRef],
      resolve: async ({ metricId }, _args, { catalog }) =>
        (await catalog.metricDependencies(metricId)).columns,
    }),
    metrics: t.field({
      type: [MetricRef],
      resolve: async ({ metricId }, _args, { catalog }) =>
        (await catalog.metricDependencies(metricId)).metrics,
    }),
  }),
});

MetricRef.implement({
  description: 'A semantic-layer metric.',
  fields: (t) => ({
    name: t.exposeString('name'),
    ...tierFields(t),
    label: t.exposeString('label', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    type: t.exposeString('type', {
      description: '`simple`, `ratio`, `derived`, `cumulative` or `conversion`.',
    }),
    definition: t.expose('definition', {
      type: 'JSON',
      nullable: true,
      description: 'The metric definition as imported; null below READ (it names what the metric reads).',
    }),
    tags: t.exposeStringList('tags'),
    sensitivity: t.expose('sensitivity', { type: SensitivityEnum }),
    domain: t.field({
      type: DomainRef,
      nullable: true,
      resolve: (metric, _args, { catalog }) => (metric.domainId ? catalog.domainById(metric.domainId) : null),
    }),
    ownerEmail: t.exposeString('ownerEmail', { nullable: true }),
    dependsOn: t.field({ type: MetricDependencies, resolve: (metric) => ({ metricId: metric.id }) }),
  }),
});

const MetricFilter = builder.inputType('MetricFilter', {
  fields: (t) => ({
    domain: t.string({ required: false }),
    tag: t.string({ required: false }),
    search: t.string({
      required: false,
      description: 'Case-insensitive match on name, label or description.',
    }),
  }),
});

builder.queryFields((t) => ({
  metric: t.field({
    type: MetricRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, { name }, { catalog }) => catalog.metric(name),
  }),
  metrics: t.connection(
    {
      type: MetricRef,
      args: { filter: t.arg({ type: MetricFilter, required: false }) },
      resolve: (_root, { filter, ...args }, { catalog }) =>
        cursorConnection(
          args,
          (page) => catalog.metrics(page, withoutNulls(filter)),
          (metric) => metric.name,
        ),
    },
    { fields: (c) => ({ totalCount: c.exposeInt('totalCount') }) },
  ),
}));
