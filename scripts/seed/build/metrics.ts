import { domainInfo } from '../domains.ts';
import type { MetricInputSpec, MetricSpec } from '../semantic/types.ts';
import type { MetricInput, MetricInputMeasure, MetricNode, MetricTypeParams } from './manifest-types.ts';
import { projectName, uniqueDeduped } from './project.ts';
import { semanticModelId } from './semantic.ts';

export function metricId(name: string): string {
  return `metric.${projectName}.${name}`;
}

function measureInput(name: string): MetricInputMeasure {
  return { name, filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null };
}

function metricInput(spec: MetricInputSpec): MetricInput {
  return typeof spec === 'string'
    ? { name: spec, filter: null, alias: null, offset_window: null, offset_to_grain: null }
    : {
        name: spec.name,
        filter: null,
        alias: spec.alias,
        offset_window: spec.offsetWindow,
        offset_to_grain: null,
      };
}

/** Names of the metrics a metric is computed from (ratio and derived only). */
export function inputMetricNames(spec: MetricSpec): string[] {
  switch (spec.type) {
    case 'ratio':
      return [spec.numerator, spec.denominator];
    case 'derived':
      return uniqueDeduped(spec.metrics.map((m) => (typeof m === 'string' ? m : m.name)));
    default:
      return [];
  }
}

export interface MetricContext {
  readonly clock: () => number;
  /** Semantic model name by measure name. */
  readonly measureOwner: ReadonlyMap<string, string>;
  readonly specs: ReadonlyMap<string, MetricSpec>;
}

function inputMeasures(spec: MetricSpec, ctx: MetricContext, seen: Set<string> = new Set()): string[] {
  if (seen.has(spec.name)) throw new Error(`metric cycle at ${spec.name}`);
  seen.add(spec.name);
  if (spec.type === 'simple' || spec.type === 'cumulative') return [spec.measure];
  return uniqueDeduped(
    inputMetricNames(spec).flatMap((name) => {
      const input = ctx.specs.get(name);
      if (input === undefined) throw new Error(`metric ${spec.name}: unknown input metric ${name}`);
      return inputMeasures(input, ctx, new Set(seen));
    }),
  );
}

function typeParams(spec: MetricSpec, ctx: MetricContext): MetricTypeParams {
  const base: MetricTypeParams = {
    measure: null,
    input_measures: inputMeasures(spec, ctx).map(measureInput),
    numerator: null,
    denominator: null,
    expr: null,
    window: null,
    grain_to_date: null,
    metrics: [],
    conversion_type_params: null,
    cumulative_type_params: null,
  };
  switch (spec.type) {
    case 'simple':
      return { ...base, measure: measureInput(spec.measure) };
    case 'ratio':
      return { ...base, numerator: metricInput(spec.numerator), denominator: metricInput(spec.denominator) };
    case 'derived':
      return { ...base, expr: spec.expr, metrics: spec.metrics.map(metricInput) };
    case 'cumulative': {
      const window =
        spec.window === undefined ? null : { count: spec.window[0], granularity: spec.window[1] };
      const grain = spec.grainToDate ?? null;
      return {
        ...base,
        measure: measureInput(spec.measure),
        window,
        grain_to_date: grain,
        cumulative_type_params: { window, grain_to_date: grain, period_agg: 'first' },
      };
    }
  }
}

function dependsOn(spec: MetricSpec, ctx: MetricContext): string[] {
  if (spec.type === 'simple' || spec.type === 'cumulative') {
    const semanticModel = ctx.measureOwner.get(spec.measure);
    if (semanticModel === undefined) throw new Error(`metric ${spec.name}: unknown measure ${spec.measure}`);
    return [semanticModelId(semanticModel)];
  }
  return inputMetricNames(spec).map(metricId).sort();
}

export function buildMetric(spec: MetricSpec, ctx: MetricContext): MetricNode {
  const meta = {
    domain: spec.domain,
    owner: spec.owner ?? domainInfo[spec.domain].owner,
    sensitivity: spec.sensitivity,
  };
  const file = `models/marts/${spec.domain}/_${spec.domain}__metrics.yml`;
  return {
    name: spec.name,
    resource_type: 'metric',
    package_name: projectName,
    path: file.slice('models/'.length),
    original_file_path: file,
    unique_id: metricId(spec.name),
    fqn: [projectName, 'marts', spec.domain, spec.name],
    description: spec.description,
    label: spec.label,
    type: spec.type,
    type_params: typeParams(spec, ctx),
    filter: null,
    metadata: null,
    meta,
    tags: uniqueDeduped([spec.domain, ...(spec.tags ?? [])]),
    config: { enabled: true, group: spec.domain, meta },
    unrendered_config: {},
    sources: [],
    depends_on: { macros: [], nodes: dependsOn(spec, ctx) },
    refs: [],
    metrics: inputMetricNames(spec).map((name): [string] => [name]),
    created_at: ctx.clock(),
    group: spec.domain,
  };
}
