import type { Dataset } from '../../catalog/read/catalog-reader.ts';
import { fitItems, fitSomeItems } from '../budget/fit-to-budget.ts';
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

/** What the first page adds to a dataset's identity, and the texts it cut. */
interface Extras {
  parts: object;
  joinsLeft: number;
  cuts: Map<string, number>;
}

interface DatasetPage {
  path: string;
  kind: string;
  tier: 'DISCOVER' | 'READ';
  sensitivity: string;
  description?: string | null;
  tags?: string[];
  domain?: string | null;
  owner?: string | null;
  rowFilter: string | null;
  joinPaths?: JoinShape[];
  columnsTotal: number;
  columnsFrom: number;
  columns: ColumnShape[];
}

/**
 * A dataset with its permitted columns (as many as fit, the rest behind `columns_cursor`), its row
 * filter and join paths. Join paths take at most a quarter of the budget (get_sql_context shows
 * the joins between the tables an agent picks). A continuation page repeats only the path, tier
 * and row filter: the description, tags, owner and joins were on the first.
 */
export async function describeDataset(dataset: Dataset, scope: DescribeScope): Promise<DescribeAnswer> {
  const { catalog, budget, offset } = scope;
  const limits = textLimits(budget);
  const access = catalog.access(dataset.id);
  const headerCuts = new Map<string, number>();
  const identity = {
    path: dataset.path,
    name: dataset.name,
    kind: dataset.kind,
    tier: access.tier,
    requestable: access.tier === 'DISCOVER',
    sensitivity: dataset.sensitivity,
    rowFilter: clipField(access.rowFilter, limits.long, 'rowFilter', headerCuts),
  };
  // The first page's extras, richest first: with join paths, without them, with the shortest texts.
  const extras: Extras[] = [{ parts: {}, joinsLeft: 0, cuts: new Map() }];
  if (offset === 0) {
    const joins = await joinShapes(catalog, await catalog.joinPathsOf(dataset.id));
    const shownJoins = fitItems(joins, Math.floor(budget / 4), (shown) => ({
      structured: shown,
      text: shown.map(joinText).join('\n'),
    })).shown;
    const domain = await domainName(catalog, dataset.domainId);
    const about = (max: number, joinPaths: JoinShape[]): Extras => {
      const cuts = new Map<string, number>();
      const parts = {
        description: clipField(dataset.description, max, 'description', cuts),
        tags: clipList(dataset.tags, 20, 'tags', cuts),
        domain,
        owner: dataset.ownerEmail,
        stewards: clipList(dataset.stewardEmails, 20, 'stewards', cuts),
        joinPaths,
      };
      return { parts, joinsLeft: joins.length - joinPaths.length, cuts };
    };
    extras.splice(
      0,
      1,
      about(limits.long, joins.slice(0, shownJoins)),
      about(limits.long, []),
      about(limits.short, []),
    );
  }
  const columns = await catalog.columnsOf(dataset.id);
  const items = columns.slice(offset).map((column) => {
    const cuts = new Map<string, number>();
    return { shape: columnShape(catalog, column, limits.short, cuts), cuts };
  });
  const renderWith =
    ({ parts, joinsLeft, cuts }: Extras) =>
    (shown: readonly { shape: ColumnShape; cuts: Map<string, number> }[], left: number) => {
      const trimmed: Trimmed[] = [];
      if (left > 0) {
        const { cursor, next } = scope.continueAt(offset + shown.length);
        trimmed.push(moreItems('columns', left, cursor, next));
      }
      if (joinsLeft > 0) {
        trimmed.push(
          itemsLeftOut(
            'join paths',
            joinsLeft,
            'call get_sql_context with this dataset and those you want to join it to: it shows the join paths between them',
          ),
        );
      }
      trimmed.push(...cutTexts(mergeCuts(headerCuts, cuts, ...shown.map((item) => item.cuts))));
      const page = {
        ...identity,
        ...parts,
        columnsTotal: columns.length,
        columnsFrom: offset,
        columns: shown.map((item) => item.shape),
      };
      return {
        structured: { kind: 'dataset' as const, dataset: page, trimmed },
        text: datasetText(page, trimmed),
      };
    };
  return fitSomeItems(items, budget, extras.map(renderWith)).answer;
}

function datasetText(dataset: DatasetPage, trimmed: Trimmed[]): string {
  const continued = dataset.columnsFrom > 0;
  const parts = continued
    ? { '': 'continued', tier: dataset.tier }
    : {
        '': dataset.kind.toLowerCase(),
        tier: dataset.tier,
        sensitivity: dataset.sensitivity,
        domain: dataset.domain,
        owner: dataset.owner,
      };
  const lines = [`dataset ${dataset.path} (${headerParts(parts)})`];
  if (dataset.description) lines.push(`description: ${dataset.description}`);
  if (dataset.tags?.length) lines.push(`tags: ${dataset.tags.join(', ')}`);
  if (dataset.tier === 'DISCOVER') {
    lines.push(
      'DISCOVER only: columns, row filter and join paths are withheld; ask for READ with request_access.',
    );
  } else {
    lines.push(`rows: ${dataset.rowFilter ?? 'all'}`);
    lines.push(...(dataset.joinPaths ?? []).map(joinText));
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
