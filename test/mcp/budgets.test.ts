import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personEmail } from '../../bench/company/large-company.ts';
import { graphql } from '../support/graphql-client.ts';
import { type LargeCatalogWorld, startLargeCatalogWorld } from './support/large-catalog-world.ts';
import { connectMcp } from './support/mcp-client.ts';
import { callTool, nextCursor, type ToolReply } from './support/tool-call.ts';
import { wide } from './support/wide-manifest.ts';

/**
 * Every answer fits its budget whatever the catalog holds: the 10,000-dataset bench company
 * (200,000 columns, 2,000 metrics) plus 600-column tables with 50,000-character descriptions,
 * long masks and row filters, 40 join paths on one table, a metric over 200 metrics and a
 * 30,000-character glossary definition. At the smallest budget allowed and at the default, each
 * answer is measured as the agent pays for it (structured JSON plus text), and every item stays
 * reachable by following the cursors the answers name.
 */
const budgets = [1_000, 8_000];
let world: LargeCatalogWorld;
const clients = new Map<number, { mcp: Client; graphqlToken: string; graphqlUrl: string }>();
const largest = new Map<number, { tokens: number; calls: number }>();

beforeAll(async () => {
  world = await startLargeCatalogWorld(budgets);
  for (const [budget, service] of world.services) {
    const token = await world.agentToken(personEmail(1), service, 'mcp');
    clients.set(budget, {
      mcp: await connectMcp(service.url, token),
      graphqlToken: await world.agentToken(personEmail(1), service, 'graphql'),
      graphqlUrl: service.graphqlUrl,
    });
  }
}, 170_000);
afterAll(async () => {
  for (const client of clients.values()) await client.mcp.close();
  await world?.close();
});

/** One call, checked against the budget like every answer of this file. */
async function budgeted<T>(
  budget: number,
  tool: string,
  args: Record<string, unknown>,
): Promise<ToolReply<T>> {
  const reply = await callTool<T>(clients.get(budget)!.mcp, tool, args);
  expect(reply.isError, `${tool} ${JSON.stringify(args)}: ${reply.text}`).toBe(false);
  expect(reply.tokens, `${tool} ${JSON.stringify(args)}`).toBeLessThanOrEqual(budget);
  const seen = largest.get(budget) ?? { tokens: 0, calls: 0 };
  largest.set(budget, { tokens: Math.max(seen.tokens, reply.tokens), calls: seen.calls + 1 });
  return reply;
}

/** Every page of a trimmed answer, following the cursor each names under `cursorArg`. */
async function allPages<T extends { trimmed: { cursor: string | null }[] }>(
  budget: number,
  tool: string,
  args: Record<string, unknown>,
  cursorArg: string,
): Promise<ToolReply<T>[]> {
  const pages: ToolReply<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await budgeted<T>(budget, tool, { ...args, ...(cursor ? { [cursorArg]: cursor } : {}) });
    pages.push(page);
    cursor = nextCursor(page);
    expect(pages.length, `${tool} keeps moving on`).toBeLessThan(2_000);
  } while (cursor);
  return pages;
}

async function gql<T>(budget: number, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { graphqlUrl, graphqlToken } = clients.get(budget)!;
  const result = await graphql<T>(graphqlUrl, query, variables, graphqlToken);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

interface Trimmed {
  what: string;
  left: number;
  unit: string;
  cursor: string | null;
}

describe.each(budgets)('at a budget of %i tokens', (budget) => {
  it('search_catalog over 10,000 datasets: one page fits, says how many more, and every match is reachable', async () => {
    const broad = await budgeted<{ totalCount: number; results: unknown[]; trimmed: Trimmed[] }>(
      budget,
      'search_catalog',
      {
        query: 'model',
        limit: 50,
      },
    );
    expect(broad.structured.totalCount).toBeGreaterThan(10_000);
    expect(broad.structured.results.length).toBeGreaterThan(0);
    expect(broad.structured.trimmed[0]).toMatchObject({
      what: 'results',
      left: broad.structured.totalCount - broad.structured.results.length,
    });

    const pages = await allPages<{ results: { path: string }[]; trimmed: Trimmed[] }>(
      budget,
      'search_catalog',
      { query: 'model_12', kinds: ['dataset'], limit: 50 },
      'cursor',
    );
    const found = pages.flatMap((page) => page.structured.results.map((result) => result.path));
    const graphqlSearch = await gql<{ search: { totalCount: number; edges: { node: { path: string } }[] } }>(
      budget,
      '{ search(query: "model_12", first: 200, filter: { kinds: [DATASET] }) { totalCount edges { node { ... on Dataset { path } } } } }',
    );
    expect(graphqlSearch.search.totalCount).toBeGreaterThan(50);
    expect(found).toEqual(graphqlSearch.search.edges.map((edge) => edge.node.path));
  });

  it('list_metrics: every page fits, and a whole domain is reachable', async () => {
    const first = await budgeted<{ totalCount: number; metrics: unknown[] }>(budget, 'list_metrics', {});
    const graphqlCount = await gql<{ metrics: { totalCount: number } }>(
      budget,
      '{ metrics(first: 1) { totalCount } }',
    );
    expect(first.structured.totalCount).toBe(graphqlCount.metrics.totalCount);
    expect(first.structured.totalCount).toBeGreaterThan(first.structured.metrics.length);
    const pages = await allPages<{ metrics: { name: string }[]; trimmed: Trimmed[] }>(
      budget,
      'list_metrics',
      { domain: 'wide' },
      'cursor',
    );
    const names = pages.flatMap((page) => page.structured.metrics.map((metric) => metric.name));
    const expected = [
      ...Array.from(
        { length: wide.baseMetrics },
        (_, index) => `wide_base_${String(index).padStart(3, '0')}`,
      ),
      wide.derivedMetric,
    ].sort();
    expect(names).toEqual(expected);
  });

  it('describe_object on a 600-column table with a 50,000-character description: every column, once, in order', async () => {
    const pages = await allPages<{
      dataset: {
        description?: string;
        rowFilter: string | null;
        joinPaths?: unknown[];
        columnsTotal: number;
        columns: { name: string; mask: { expression: string | null } | null }[];
      };
      trimmed: Trimmed[];
    }>(budget, 'describe_object', { path: wide.hub }, 'columns_cursor');
    const columns = pages.flatMap((page) => page.structured.dataset.columns.map((column) => column.name));
    const graphqlColumns = await gql<{ dataset: { columns: { name: string }[] } }>(
      budget,
      'query ($path: String!) { dataset(path: $path) { columns { name } } }',
      { path: wide.hub },
    );
    expect(columns).toEqual(graphqlColumns.dataset.columns.map((column) => column.name));
    expect(columns).toHaveLength(wide.columns);
    const [first] = pages;
    const { dataset, trimmed } = first!.structured;
    expect(dataset.columnsTotal).toBe(wide.columns);
    expect(dataset.description?.endsWith('…')).toBe(true);
    expect(trimmed).toContainEqual(
      expect.objectContaining({ what: 'description', unit: 'characters', cursor: null }),
    );
    expect(trimmed).toContainEqual(
      expect.objectContaining({
        what: 'join paths',
        left: wide.spokes - dataset.joinPaths!.length,
        cursor: null,
      }),
    );
    expect(dataset.rowFilter).toMatch(/^\(region = '\w+' and note not in \('n0'/);
    const more = trimmed.find((entry) => entry.what === 'columns')!;
    expect(more.left).toBe(wide.columns - dataset.columns.length);
    expect(first!.text).toContain(
      `Trimmed: ${more.left} more columns; call describe_object with path "${wide.hub}" and columns_cursor "${more.cursor}".`,
    );
    // A continuation repeats only what identifies the table: path, tier, row filter.
    const second = pages[1]!;
    expect(second.structured.dataset.description).toBeUndefined();
    expect(second.structured.dataset.joinPaths).toBeUndefined();
    expect(second.structured.dataset.rowFilter).toBe(dataset.rowFilter);
    expect(second.text.split('\n')[0]).toBe(`dataset ${wide.hub} (continued; tier READ)`);
    const masked = pages.flatMap((page) => page.structured.dataset.columns).filter((column) => column.mask);
    expect(masked.length).toBe(wide.columns / 10);
    for (const column of masked) expect(column.mask!.expression!.startsWith('left(')).toBe(true);
  });

  it('get_sql_context on wide tables and on 20 bench tables: all columns reachable, DISCOVER tables said so', async () => {
    const paths = [...wide.others, 'warehouse.wide.wide_spoke_00', 'warehouse.wide.wide_spoke_01'];
    type Context = {
      tables: { path: string; tier: string; columnsTotal: number; columns: { name: string }[] }[];
      joins: { from: string; to: string }[];
      trimmed: Trimmed[];
    };
    const pages = await allPages<Context>(budget, 'get_sql_context', { paths }, 'cursor');
    const byTable = new Map<string, string[]>();
    for (const page of pages)
      for (const table of page.structured.tables)
        byTable.set(table.path, [
          ...(byTable.get(table.path) ?? []),
          ...table.columns.map((column) => column.name),
        ]);
    expect([...byTable.keys()]).toEqual(paths);
    for (const path of paths) {
      const graphqlColumns = await gql<{ dataset: { columns: { name: string }[] } }>(
        budget,
        'query ($path: String!) { dataset(path: $path) { columns { name } } }',
        { path },
      );
      expect(byTable.get(path), path).toEqual(graphqlColumns.dataset.columns.map((column) => column.name));
    }
    const joins = pages.flatMap((page) => page.structured.joins.map((join) => `${join.from} > ${join.to}`));
    expect(joins.sort()).toEqual([
      'warehouse.wide.wide_two > warehouse.wide.wide_spoke_00',
      'warehouse.wide.wide_two > warehouse.wide.wide_spoke_01',
    ]);

    const bench = Array.from(
      { length: 20 },
      (_, index) =>
        `warehouse.${['sales', 'finance', 'hr', 'marketing', 'support'][index % 5]}.model_${index}`,
    );
    const benchPages = await allPages<Context>(budget, 'get_sql_context', { paths: bench }, 'cursor');
    const tiers = new Map<string, string>();
    const counted = new Map<string, number>();
    for (const page of benchPages)
      for (const table of page.structured.tables) {
        tiers.set(table.path, table.tier);
        counted.set(table.path, (counted.get(table.path) ?? 0) + table.columns.length);
      }
    for (const path of bench) {
      const graphqlDataset = await gql<{ dataset: { tier: string; columns: unknown[] } | null }>(
        budget,
        'query ($path: String!) { dataset(path: $path) { tier columns { name } } }',
        { path },
      );
      if (!graphqlDataset.dataset) continue;
      expect(tiers.get(path), path).toBe(graphqlDataset.dataset.tier);
      expect(counted.get(path) ?? 0, path).toBe(graphqlDataset.dataset.columns.length);
    }
    expect([...tiers.values()]).toContain('READ');
  });

  it('describe_object on a metric over 200 metrics, a huge glossary term; explain_access of a long mask', async () => {
    const pages = await allPages<{
      metric: {
        description: string;
        dependsOn: { datasets: string[]; columns: string[]; metrics: string[] };
      };
      trimmed: Trimmed[];
    }>(budget, 'describe_object', { path: wide.derivedMetric }, 'columns_cursor');
    const metrics = pages.flatMap((page) => page.structured.metric.dependsOn.metrics);
    expect(metrics).toHaveLength(wide.baseMetrics);
    expect(new Set(metrics).size).toBe(wide.baseMetrics);
    expect(pages[0]!.structured.trimmed).toContainEqual(
      expect.objectContaining({ what: 'description', unit: 'characters' }),
    );

    const term = await budgeted<{ glossaryTerm: { tier: string; definition: string }; trimmed: Trimmed[] }>(
      budget,
      'describe_object',
      { path: `glossary:${wide.term}` },
    );
    expect(term.structured.glossaryTerm.tier).toBe('READ');
    expect(term.structured.glossaryTerm.definition.endsWith('…')).toBe(true);
    expect(term.structured.trimmed).toContainEqual(
      expect.objectContaining({ what: 'definition', unit: 'characters' }),
    );
    expect(term.text).toMatch(/Trimmed: \d+ characters of definition/);

    const explained = await budgeted<{ mask: { method: string; expression: string } }>(
      budget,
      'explain_access',
      {
        path: `${wide.hub}.column_005`,
      },
    );
    expect(explained.structured.mask.method).toBe('expression');

    const search = await budgeted<{ results: { description: string | null }[] }>(budget, 'search_catalog', {
      query: 'wide_hub',
      kinds: ['dataset', 'column'],
      limit: 50,
    });
    expect(search.structured.results.length).toBeGreaterThan(0);
  });

  it('trimmed answers use their budget: the largest comes close to it, none above', () => {
    const seen = largest.get(budget)!;
    expect(seen.calls).toBeGreaterThan(20);
    expect(seen.tokens).toBeGreaterThan(budget * 0.9);
    expect(seen.tokens).toBeLessThanOrEqual(budget);
  });
});
