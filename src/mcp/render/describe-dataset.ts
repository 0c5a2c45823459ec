import type { Dataset } from '../../catalog/read/catalog-reader.ts';
import { fitItems } from '../budget/fit-to-budget.ts';
import {
  type ColumnShape,
  columnShape,
  columnText,
  type JoinShape,
  joinShapes,
  joinText,
} from './catalog-shapes.ts';
import { clipField, clipList, mergeCuts, textLimits } from './clip.ts';
import { type DescribeAnswer, type DescribeScope, domainName, headerParts } from './describe-shapes.ts';
import { cutTexts, itemsLeftOut, moreItems, type Trimmed, trimmedLines } from './trimmed.ts';

/**
 * A dataset with its permitted columns (as many as fit, the rest behind `columns_cursor`), its row
 * filter and join paths. Join paths take at most a quarter of the budget: get_sql_context shows the
 * joins between the tables an agent picks.
 */
export async function describeDataset(dataset: Dataset, scope: DescribeScope): Promise<DescribeAnswer> {
  const { catalog, budget, offset } = scope;
  const limits = textLimits(budget);
  const access = catalog.access(dataset.id);
  const headerCuts = new Map<string, number>();
  const header = {
    path: dataset.path,
    name: dataset.name,
    kind: dataset.kind,
    tier: access.tier,
    requestable: access.tier === 'DISCOVER',
    description: clipField(dataset.description, limits.long, 'description', headerCuts),
    tags: clipList(dataset.tags, 20, 'tags', headerCuts),
    sensitivity: dataset.sensitivity,
    domain: await domainName(catalog, dataset.domainId),
    owner: dataset.ownerEmail,
    stewards: clipList(dataset.stewardEmails, 20, 'stewards', headerCuts),
    rowFilter: clipField(access.rowFilter, limits.long, 'rowFilter', headerCuts),
  };
  const joins = await joinShapes(catalog, await catalog.joinPathsOf(dataset.id));
  const shownJoins = fitItems(joins, Math.floor(budget / 4), (shown) => ({
    structured: shown,
    text: shown.map(joinText).join('\n'),
  })).shown;
  const columns = await catalog.columnsOf(dataset.id);
  const items = columns.slice(offset).map((column) => {
    const cuts = new Map<string, number>();
    return { shape: columnShape(catalog, column, limits.short, cuts), cuts };
  });
  const render = (shown: readonly { shape: ColumnShape; cuts: Map<string, number> }[], left: number) => {
    const trimmed: Trimmed[] = [];
    if (left > 0) {
      const { cursor, next } = scope.continueAt(offset + shown.length);
      trimmed.push(moreItems('columns', left, cursor, next));
    }
    if (shownJoins < joins.length) {
      trimmed.push(
        itemsLeftOut(
          'join paths',
          joins.length - shownJoins,
          'call get_sql_context with this dataset and those you want to join it to: it shows the join paths between them',
        ),
      );
    }
    trimmed.push(...cutTexts(mergeCuts(headerCuts, ...shown.map((item) => item.cuts))));
    const dataset = {
      ...header,
      joinPaths: joins.slice(0, shownJoins),
      columnsTotal: columns.length,
      columnsFrom: offset,
      columns: shown.map((item) => item.shape),
    };
    return {
      structured: { kind: 'dataset' as const, dataset, trimmed },
      text: datasetText(dataset, trimmed),
    };
  };
  return fitItems(items, budget, render).answer;
}

function datasetText(
  dataset: {
    path: string;
    kind: string;
    tier: 'DISCOVER' | 'READ';
    description: string | null;
    tags: string[];
    sensitivity: string;
    domain: string | null;
    owner: string | null;
    rowFilter: string | null;
    joinPaths: JoinShape[];
    columnsTotal: number;
    columnsFrom: number;
    columns: ColumnShape[];
  },
  trimmed: Trimmed[],
): string {
  const lines = [
    `dataset ${dataset.path} (${headerParts({ '': dataset.kind.toLowerCase(), tier: dataset.tier, sensitivity: dataset.sensitivity, domain: dataset.domain, owner: dataset.owner })})`,
  ];
  if (dataset.description) lines.push(`description: ${dataset.description}`);
  if (dataset.tags.length > 0) lines.push(`tags: ${dataset.tags.join(', ')}`);
  if (dataset.tier === 'DISCOVER') {
    lines.push(
      'DISCOVER only: columns, row filter and join paths are withheld; ask for READ with request_access.',
    );
  } else {
    lines.push(`rows: ${dataset.rowFilter ?? 'all'}`);
    lines.push(...dataset.joinPaths.map(joinText));
    const last = dataset.columnsFrom + dataset.columns.length;
    lines.push(
      dataset.columns.length === 0
        ? `columns: ${dataset.columnsTotal} in all, none shown`
        : `columns ${dataset.columnsFrom + 1}-${last} of ${dataset.columnsTotal}:`,
    );
    lines.push(...dataset.columns.map(columnText));
  }
  lines.push(...trimmedLines(trimmed));
  return lines.join('\n');
}
