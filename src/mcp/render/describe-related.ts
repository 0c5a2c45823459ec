import type { Column, Metric, ShownGlossaryTerm } from '../../catalog/read/catalog-reader.ts';
import { fitItems } from '../budget/fit-to-budget.ts';
import { maskShape, maskText } from './catalog-shapes.ts';
import { clip, clipField, clipList, mergeCuts, textLimits } from './clip.ts';
import { type DescribeAnswer, type DescribeScope, domainName, headerParts } from './describe-shapes.ts';
import { cutTexts, moreItems, type Trimmed, trimmedLines } from './trimmed.ts';

/** Metrics, glossary terms and single columns as describe_object shows them. */

interface Ref<L extends string> {
  list: L;
  ref: string;
  cut: number;
}

/** A list of object names that fits with its header; the rest behind `columns_cursor`. */
function pagedRefs<L extends string, H>(
  scope: DescribeScope,
  refs: Ref<L>[],
  what: string,
  headerCuts: Map<string, number>,
  build: (shown: Record<L, string[]>, trimmed: Trimmed[]) => { structured: H; text: string },
  lists: readonly L[],
) {
  const items = refs.slice(scope.offset);
  return fitItems(items, scope.budget, (shown, left) => {
    const trimmed: Trimmed[] = [];
    if (left > 0) {
      const { cursor, next } = scope.continueAt(scope.offset + shown.length);
      trimmed.push(moreItems(what, left, cursor, next));
    }
    const refCuts = shown
      .filter((item) => item.cut > 0)
      .map((item) => new Map([[`${item.list} names`, item.cut]]));
    trimmed.push(...cutTexts(mergeCuts(headerCuts, ...refCuts)));
    const grouped = Object.fromEntries(lists.map((list) => [list, [] as string[]])) as Record<L, string[]>;
    for (const item of shown) grouped[item.list].push(item.ref);
    return build(grouped, trimmed);
  }).answer;
}

function refsOf<L extends string>(list: L, names: readonly string[], max: number): Ref<L>[] {
  return names.map((name) => {
    const clipped = clip(name, max);
    return { list, ref: clipped.text, cut: clipped.cut };
  });
}

export async function describeMetric(metric: Metric, scope: DescribeScope): Promise<DescribeAnswer> {
  const { catalog, budget } = scope;
  const limits = textLimits(budget);
  const access = catalog.access(metric.id);
  const cuts = new Map<string, number>();
  const dependencies = await catalog.metricDependencies(metric.id);
  const first = scope.offset === 0;
  const header = {
    name: metric.name,
    label: clipField(metric.label, limits.short, 'label', cuts),
    type: metric.type,
    tier: access.tier,
    requestable: access.tier === 'DISCOVER',
    sensitivity: metric.sensitivity,
    ...(first
      ? {
          description: clipField(metric.description, limits.long, 'description', cuts),
          tags: clipList(metric.tags, 20, 'tags', cuts),
          domain: await domainName(catalog, metric.domainId),
          owner: metric.ownerEmail,
          definition: clipField(
            metric.definition === null ? null : JSON.stringify(metric.definition),
            limits.long,
            'definition',
            cuts,
          ),
        }
      : {}),
  };
  const refs = [
    ...refsOf(
      'datasets',
      dependencies.datasets.map((dataset) => dataset.path),
      limits.short,
    ),
    ...refsOf(
      'columns',
      dependencies.columns.map((column) => column.path),
      limits.short,
    ),
    ...refsOf(
      'metrics',
      dependencies.metrics.map((dependency) => dependency.name),
      limits.short,
    ),
  ];
  const lists = ['datasets', 'columns', 'metrics'] as const;
  return pagedRefs(
    scope,
    refs,
    'dependencies',
    cuts,
    (dependsOn, trimmed) => {
      const described = {
        ...header,
        dependenciesTotal: refs.length,
        dependenciesFrom: scope.offset,
        dependsOn,
      };
      const lines = [
        `metric ${metric.name}${header.label ? ` "${header.label}"` : ''} (${headerParts(first ? { '': metric.type, tier: header.tier, sensitivity: header.sensitivity, domain: header.domain, owner: header.owner } : { '': 'continued', tier: header.tier })})`,
      ];
      if (header.description) lines.push(`description: ${header.description}`);
      if (header.tags?.length) lines.push(`tags: ${header.tags.join(', ')}`);
      if (header.tier === 'DISCOVER') {
        lines.push(
          'DISCOVER only: its definition and dependencies are withheld; ask for READ with request_access.',
        );
      } else {
        if (header.definition) lines.push(`definition: ${header.definition}`);
        for (const list of lists)
          if (dependsOn[list].length > 0) lines.push(`reads ${list}: ${dependsOn[list].join(', ')}`);
      }
      lines.push(...trimmedLines(trimmed));
      return { structured: { kind: 'metric' as const, metric: described, trimmed }, text: lines.join('\n') };
    },
    lists,
  );
}

export async function describeTerm(term: ShownGlossaryTerm, scope: DescribeScope): Promise<DescribeAnswer> {
  const { catalog, budget } = scope;
  const limits = textLimits(budget);
  const access = catalog.access(term.id);
  const cuts = new Map<string, number>();
  const related = await catalog.glossaryRelated(term.id);
  const first = scope.offset === 0;
  const header = {
    name: term.name,
    tier: access.tier,
    requestable: access.tier === 'DISCOVER',
    sensitivity: term.sensitivity,
    ...(first
      ? {
          tags: clipList(term.tags, 20, 'tags', cuts),
          domain: await domainName(catalog, term.domainId),
          owner: term.ownerEmail,
          summary: clipField(term.summary, limits.long, 'summary', cuts) ?? '',
          definition: clipField(term.definition, limits.long, 'definition', cuts),
        }
      : {}),
  };
  const refs = [
    ...refsOf(
      'relatedMetrics',
      related.metrics.map((metric) => metric.name),
      limits.short,
    ),
    ...refsOf(
      'relatedColumns',
      related.columns.map((column) => column.path),
      limits.short,
    ),
  ];
  const lists = ['relatedMetrics', 'relatedColumns'] as const;
  return pagedRefs(
    scope,
    refs,
    'related objects',
    cuts,
    (shown, trimmed) => {
      const described = { ...header, relatedTotal: refs.length, relatedFrom: scope.offset, ...shown };
      const lines = [
        `glossary term ${term.name} (${headerParts(first ? { tier: header.tier, sensitivity: header.sensitivity, domain: header.domain, owner: header.owner } : { '': 'continued', tier: header.tier })})`,
      ];
      if (header.summary && (header.tier === 'DISCOVER' || !header.definition))
        lines.push(`summary: ${header.summary}`);
      if (header.tags?.length) lines.push(`tags: ${header.tags.join(', ')}`);
      if (header.tier === 'DISCOVER') {
        lines.push('DISCOVER only: its full definition is withheld; ask for READ with request_access.');
      } else {
        if (header.definition) lines.push(`definition: ${header.definition}`);
        if (shown.relatedMetrics.length > 0) lines.push(`metrics: ${shown.relatedMetrics.join(', ')}`);
        if (shown.relatedColumns.length > 0) lines.push(`columns: ${shown.relatedColumns.join(', ')}`);
      }
      lines.push(...trimmedLines(trimmed));
      return {
        structured: { kind: 'glossary' as const, glossaryTerm: described, trimmed },
        text: lines.join('\n'),
      };
    },
    lists,
  );
}

/** One column of a readable dataset (a column is never shown at DISCOVER). */
export function describeColumn(column: Column, datasetPath: string, scope: DescribeScope): DescribeAnswer {
  const { catalog, budget } = scope;
  const limits = textLimits(budget);
  const cuts = new Map<string, number>();
  const access = catalog.access(column.id);
  const described = {
    path: column.path,
    dataset: datasetPath,
    name: column.name,
    type: column.dataType,
    tier: access.tier,
    description: clipField(column.description, limits.long, 'description', cuts),
    tags: clipList(column.tags, 20, 'tags', cuts),
    sensitivity: column.sensitivity,
    primaryKey: column.isPrimaryKey,
    mask: maskShape(access.mask, limits.long, cuts),
  };
  const trimmed = cutTexts(cuts);
  const lines = [
    `column ${column.path} ${column.dataType ?? '?'}${maskText(described.mask)} (${headerParts({ tier: described.tier, sensitivity: described.sensitivity, '': column.isPrimaryKey ? 'primary key' : null })})`,
  ];
  if (described.description) lines.push(`description: ${described.description}`);
  if (described.tags.length > 0) lines.push(`tags: ${described.tags.join(', ')}`);
  lines.push(...trimmedLines(trimmed));
  return { structured: { kind: 'column', column: described, trimmed }, text: lines.join('\n') };
}
