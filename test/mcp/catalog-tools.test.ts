import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { requestPolicies, useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';
import { callTool, nextCursor, type ToolReply } from './support/tool-call.ts';

/**
 * The catalog tools over Streamable HTTP on a real port with the SDK's own client, beside GraphQL
 * for the same person, agent and intent. Ana (finance analyst) reads the sales domain with PII
 * hashed and her region's orders only; Bob (engineer) only discovers it; restricted data is
 * hidden from both.
 */
const test = useRequestWorld();

const policies: PolicyInput[] = [
  ...requestPolicies,
  {
    id: 'analysts-read-sales',
    description: 'Analysts read sales, PII hashed, their region only',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: { domains: ['sales'], sensitivities: ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL'] },
    masks: [{ columns: { tags: ['pii'] }, method: 'hash' }],
    rowFilters: [{ datasets: ['analytics.marts.fct_orders'], predicate: 'region = {{human.region}}' }],
  },
  {
    id: 'analysts-read-metrics',
    description: 'Analysts read metric definitions',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: { kinds: ['metric'] },
  },
];

interface Caller {
  mcp: Client;
  /** A token for GraphQL of the same person, agent and intent. */
  graphqlToken: string;
}

const callers: Record<'ana' | 'bob', Caller> = {} as Record<'ana' | 'bob', Caller>;

beforeAll(async () => {
  const { world, db } = test;
  await applyPolicySet(db.prisma, validatePolicySet(policies, 'test'), { source: 'test' });
  for (const [name, email] of [
    ['ana', 'ana@acme.test'],
    ['bob', 'bob@acme.test'],
  ] as const) {
    const token = await world.agentToken(email, { resource: mcpResource(world.service.url) });
    callers[name] = {
      mcp: await connectMcp(world.service.url, token),
      graphqlToken: await world.agentToken(email),
    };
  }
});
afterAll(async () => {
  for (const caller of Object.values(callers)) await caller.mcp?.close();
});

const call = <T = Record<string, unknown>>(who: 'ana' | 'bob', tool: string, args: Record<string, unknown>) =>
  callTool<T>(callers[who].mcp, tool, args);

const gql = async <T>(who: 'ana' | 'bob', query: string, variables: Record<string, unknown> = {}) => {
  const result = await test.world.gql<T>(callers[who].graphqlToken, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
};

/** The same answer with the path written out as X: hidden and absent must not differ in anything else. */
const withoutPath = ({ isError, structured, text }: ToolReply, path: string) =>
  JSON.stringify({ isError, structured, text }).split(path).join('X');

interface DescribedDataset {
  kind: string;
  dataset: {
    path: string;
    tier: string;
    requestable: boolean;
    rowFilter: string | null;
    columnsTotal: number;
    columns: {
      name: string;
      type: string | null;
      mask: { method: string } | null;
      description: string | null;
    }[];
    joinPaths: { from: string; to: string; fromColumns: string[]; toColumns: string[] }[];
  };
  trimmed: unknown[];
}

const datasetQuery = `query ($path: String!) {
  dataset(path: $path) {
    path tier requestable rowFilter
    columns { name dataType description access { masked method } }
    joinPaths { from { path } to { path } fromColumns toColumns }
  }
}`;

interface GqlDataset {
  dataset: {
    path: string;
    tier: string;
    requestable: boolean;
    rowFilter: string | null;
    columns: {
      name: string;
      dataType: string | null;
      description: string | null;
      access: { masked: boolean; method: string | null };
    }[];
    joinPaths: { from: { path: string }; to: { path: string }; fromColumns: string[]; toColumns: string[] }[];
  } | null;
}

/** describe_object's dataset in GraphQL's terms, to compare the two doors field by field. */
function asGraphql(described: DescribedDataset['dataset']) {
  return {
    path: described.path,
    tier: described.tier,
    requestable: described.requestable,
    rowFilter: described.rowFilter,
    columns: described.columns.map((column) => ({
      name: column.name,
      dataType: column.type,
      description: column.description,
      access: { masked: column.mask !== null, method: column.mask?.method ?? null },
    })),
    joinPaths: described.joinPaths.map((join) => ({
      from: { path: join.from },
      to: { path: join.to },
      fromColumns: join.fromColumns,
      toColumns: join.toColumns,
    })),
  };
}

describe('describe_object', () => {
  it('shows a readable dataset as GraphQL does for the same caller: columns, masks, row filter, joins', async () => {
    for (const path of ['analytics.marts.fct_orders', 'analytics.marts.customers']) {
      const reply = await call<DescribedDataset>('ana', 'describe_object', { path });
      expect(reply.isError).toBe(false);
      const graphql = await gql<GqlDataset>('ana', datasetQuery, { path });
      expect(asGraphql(reply.structured.dataset)).toEqual(graphql.dataset);
      expect(reply.structured.dataset.columnsTotal).toBe(graphql.dataset!.columns.length);
      expect(reply.structured.trimmed).toEqual([]);
    }
    const orders = await call<DescribedDataset>('ana', 'describe_object', {
      path: 'analytics.marts.fct_orders',
    });
    expect(orders.structured.dataset).toMatchObject({
      tier: 'READ',
      requestable: false,
      rowFilter: "(region = 'emea')",
    });
    expect(orders.text).toContain("rows: (region = 'emea')");
    expect(orders.structured.dataset.joinPaths.length).toBeGreaterThan(0);
    const customers = await call<DescribedDataset>('ana', 'describe_object', {
      path: 'analytics.marts.customers',
    });
    const names = customers.structured.dataset.columns.map((column) => column.name);
    // The agent's ceiling stops at CONFIDENTIAL: the restricted email column is not there at all.
    expect(names).not.toContain('email');
    const fullName = customers.structured.dataset.columns.find((column) => column.name === 'full_name');
    expect(fullName?.mask).toEqual({ method: 'hash', keepLast: null, expression: null });
    expect(customers.text).toMatch(/^ {2}full_name text masked hash/m);
  });

  it('shows a DISCOVER-only dataset as GraphQL does: no columns, row filter or joins; requestable', async () => {
    const path = 'analytics.marts.fct_orders';
    const reply = await call<DescribedDataset>('bob', 'describe_object', { path });
    const graphql = await gql<GqlDataset>('bob', datasetQuery, { path });
    expect(asGraphql(reply.structured.dataset)).toEqual(graphql.dataset);
    expect(reply.structured.dataset).toMatchObject({
      tier: 'DISCOVER',
      requestable: true,
      rowFilter: null,
      columnsTotal: 0,
      columns: [],
      joinPaths: [],
    });
    expect(reply.text).toContain('DISCOVER only');
    expect(reply.text).toContain('request_access');
  });

  it('describes a column with its mask, a metric with its definition and dependencies, a glossary term', async () => {
    const column = await call<{ column: Record<string, unknown> }>('ana', 'describe_object', {
      path: 'analytics.marts.customers.full_name',
    });
    expect(column.structured.column).toMatchObject({
      path: 'analytics.marts.customers.full_name',
      dataset: 'analytics.marts.customers',
      tier: 'READ',
      mask: { method: 'hash' },
    });
    const metricQuery =
      '{ metric(name: "gross_revenue") { tier definition dependsOn { datasets { path } columns { path } metrics { name } } } }';
    const graphqlMetric = (
      await gql<{
        metric: {
          tier: string;
          definition: unknown;
          dependsOn: {
            datasets: { path: string }[];
            columns: { path: string }[];
            metrics: { name: string }[];
          };
        };
      }>('ana', metricQuery)
    ).metric;
    const metric = await call<{
      metric: { tier: string; definition: string | null; dependsOn: Record<string, string[]> };
    }>('ana', 'describe_object', { path: 'gross_revenue' });
    expect(graphqlMetric.tier).toBe('READ');
    expect(metric.structured.metric.tier).toBe('READ');
    expect(JSON.parse(metric.structured.metric.definition!)).toEqual(graphqlMetric.definition);
    expect(metric.structured.metric.dependsOn).toEqual({
      datasets: graphqlMetric.dependsOn.datasets.map((dataset) => dataset.path),
      columns: graphqlMetric.dependsOn.columns.map((dependency) => dependency.path),
      metrics: graphqlMetric.dependsOn.metrics.map((dependency) => dependency.name),
    });
    expect(metric.structured.metric.dependsOn.datasets).toContain('analytics.marts.fct_orders');

    const bobsMetric = await call<{ metric: Record<string, unknown> }>('bob', 'describe_object', {
      path: 'gross_revenue',
    });
    expect(bobsMetric.structured.metric).toMatchObject({
      tier: 'DISCOVER',
      requestable: true,
      definition: null,
      dependsOn: { datasets: [], columns: [], metrics: [] },
    });

    const terms = await gql<{ glossaryTerms: { edges: { node: { name: string } }[] } }>(
      'ana',
      '{ glossaryTerms(first: 10) { edges { node { name } } } }',
    );
    const name = terms.glossaryTerms.edges[0]!.node.name;
    const termQuery = `query ($name: String!) { glossaryTerm(name: $name) { name tier requestable summary definition } }`;
    for (const who of ['ana', 'bob'] as const) {
      const graphqlTerm = (await gql<{ glossaryTerm: Record<string, unknown> }>(who, termQuery, { name }))
        .glossaryTerm;
      for (const path of [`glossary:${name}`, name]) {
        const term = await call<{ glossaryTerm: Record<string, unknown> }>(who, 'describe_object', { path });
        expect(term.structured.glossaryTerm, `${who} ${path}`).toMatchObject(graphqlTerm);
        expect(term.text).toMatch(/^glossary term /);
      }
    }
  });

  it('answers a hidden object exactly like one that does not exist', async () => {
    for (const [hidden, missing] of [
      ['raw.shop.customers', 'raw.shop.nothing_here'],
      ['analytics.snapshots.customers_snapshot', 'analytics.snapshots.no_such_snapshot'],
      ['raw.shop.customers.email', 'raw.shop.orders.no_such_column'],
      ['analytics.marts.customers.email', 'analytics.marts.customers.no_such_column'],
    ]) {
      // The hidden object is there, to be sure the two answers compare hidden with absent.
      const stored = hidden!.split('.').length === 4 ? test.db.prisma.column : test.db.prisma.dataset;
      expect(await (stored as typeof test.db.prisma.dataset).count({ where: { path: hidden! } })).toBe(1);
      const hiddenReply = await call('ana', 'describe_object', { path: hidden! });
      const missingReply = await call('ana', 'describe_object', { path: missing! });
      expect(hiddenReply.isError).toBe(true);
      expect(hiddenReply.text).toBe(`NOT_FOUND: no object has the path ${hidden}`);
      expect(withoutPath(hiddenReply, hidden!)).toBe(withoutPath(missingReply, missing!));
    }
    // A column of a dataset one only discovers is not there either.
    const discoverColumn = await call('bob', 'describe_object', {
      path: 'analytics.marts.fct_orders.amount',
    });
    const noColumn = await call('bob', 'describe_object', {
      path: 'analytics.marts.fct_orders.no_such_column',
    });
    expect(withoutPath(discoverColumn, 'amount')).toBe(withoutPath(noColumn, 'no_such_column'));
  });
});

describe('search_catalog and list_metrics', () => {
  interface Search {
    totalCount: number;
    from: number;
    results: { kind: string; path: string; tier: string; requestable: boolean }[];
    trimmed: { what: string; left: number; cursor: string | null }[];
  }
  const graphqlSearch = `query ($query: String!, $kinds: [SearchKind!]) {
    search(query: $query, first: 100, filter: { kinds: $kinds }) {
      totalCount
      edges { node {
        __typename
        ... on Dataset { path tier }
        ... on Column { path access { masked } }
        ... on Metric { name tier }
        ... on GlossaryTerm { name tier }
      } }
    }
  }`;
  type GqlSearch = {
    search: {
      totalCount: number;
      edges: { node: { __typename: string; path?: string; name?: string; tier?: string } }[];
    };
  };
  const pathOf = (node: GqlSearch['search']['edges'][number]['node']) =>
    node.__typename === 'GlossaryTerm' ? `glossary:${node.name}` : (node.path ?? node.name!);

  it('finds what GraphQL finds for the same caller, in the same order, paging with its cursor', async () => {
    for (const who of ['ana', 'bob'] as const) {
      const graphql = (await gql<GqlSearch>(who, graphqlSearch, { query: 'customer' })).search;
      const seen: Search['results'] = [];
      let cursor: string | undefined;
      let calls = 0;
      do {
        const reply = await call<Search>(who, 'search_catalog', {
          query: 'customer',
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        expect(reply.isError).toBe(false);
        expect(reply.structured.totalCount).toBe(graphql.totalCount);
        expect(reply.structured.from).toBe(seen.length);
        expect(reply.structured.results.length).toBeLessThanOrEqual(3);
        expect(reply.text.split('\n').length).toBeGreaterThanOrEqual(reply.structured.results.length + 1);
        seen.push(...reply.structured.results);
        cursor = nextCursor(reply);
        calls += 1;
      } while (cursor && calls < 50);
      expect(seen.map((result) => result.path)).toEqual(graphql.edges.map((edge) => pathOf(edge.node)));
      const tiers = graphql.edges
        .filter((edge) => edge.node.tier)
        .map((edge) => [pathOf(edge.node), edge.node.tier]);
      for (const [path, tier] of tiers) expect(seen.find((result) => result.path === path)?.tier).toBe(tier);
      expect(seen.map((result) => result.path)).not.toContain('raw.shop.customers');
      expect(seen.map((result) => result.path).join(' ')).not.toMatch(/customers_snapshot/);
    }
  });

  it('finds nothing for the name of a hidden object, exactly as for a name nothing has', async () => {
    const hidden = await call('ana', 'search_catalog', { query: 'customers_snapshot' });
    const missing = await call('ana', 'search_catalog', { query: 'no_such_snapshot' });
    expect(hidden.structured).toMatchObject({ totalCount: 0, results: [] });
    expect(withoutPath(hidden, 'customers_snapshot')).toBe(withoutPath(missing, 'no_such_snapshot'));
  });

  it('filters by kind and domain, and says how many more there are and how to get them', async () => {
    const first = await call<Search>('ana', 'search_catalog', {
      query: 'order',
      kinds: ['column'],
      limit: 2,
    });
    expect(first.structured.results.map((result) => result.kind)).toEqual(['column', 'column']);
    const left = first.structured.totalCount - 2;
    expect(left).toBeGreaterThan(0);
    expect(first.structured.trimmed).toEqual([
      expect.objectContaining({ what: 'results', left, unit: 'items', cursor: expect.any(String) }),
    ]);
    expect(first.text).toContain(`Trimmed: ${left} more results; call search_catalog with the same query`);
    const none = await call<Search>('ana', 'search_catalog', { query: 'order', domain: 'no-such-domain' });
    expect(none.structured).toMatchObject({ totalCount: 0, results: [], trimmed: [] });
  });

  it('refuses a cursor of another call or another caller, and a forged one, with INVALID_INPUT', async () => {
    const first = await call<Search>('ana', 'search_catalog', { query: 'customer', limit: 2 });
    const cursor = nextCursor(first)!;
    expect(cursor).toBeDefined();
    const refusals = [
      await call('ana', 'search_catalog', { query: 'order', limit: 2, cursor }),
      await call('ana', 'search_catalog', { query: 'customer', limit: 3, cursor }),
      await call('bob', 'search_catalog', { query: 'customer', limit: 2, cursor }),
      await call('ana', 'list_metrics', { cursor }),
      await call('ana', 'describe_object', { path: 'analytics.marts.customers', columns_cursor: cursor }),
      await call('ana', 'get_sql_context', { paths: ['analytics.marts.customers'], cursor }),
      await call('ana', 'search_catalog', { query: 'customer', limit: 2, cursor: 'not a cursor' }),
      await call('ana', 'search_catalog', { query: 'customer', limit: 2, cursor: 'eyJmIjoiYSIsIm8iOjJ9' }),
    ];
    for (const refusal of refusals) {
      expect(refusal.isError).toBe(true);
      expect(refusal.text).toMatch(/^INVALID_INPUT: the cursor does not belong to this call/);
    }
    const again = await call<Search>('ana', 'search_catalog', { query: 'customer', limit: 2, cursor });
    expect(again.structured.from).toBe(2);
  });

  it('lists the metrics GraphQL lists, by name, with their tiers, across pages', async () => {
    for (const who of ['ana', 'bob'] as const) {
      const graphql = (
        await gql<{ metrics: { totalCount: number; edges: { node: { name: string; tier: string } }[] } }>(
          who,
          '{ metrics(first: 100) { totalCount edges { node { name tier } } } }',
        )
      ).metrics;
      const reply = await call<{ totalCount: number; metrics: { name: string; tier: string }[] }>(
        who,
        'list_metrics',
        {},
      );
      expect(reply.structured.totalCount).toBe(graphql.totalCount);
      expect(reply.structured.metrics.map(({ name, tier }) => ({ name, tier }))).toEqual(
        graphql.edges.map((edge) => edge.node),
      );
      const sales = await call<{ metrics: { name: string }[] }>(who, 'list_metrics', { domain: 'sales' });
      expect(sales.structured.metrics.length).toBeGreaterThan(0);
      expect(sales.structured.metrics.length).toBeLessThan(graphql.totalCount);
    }
  });
});

describe('explain_access', () => {
  it('explains as GraphQL does, and a hidden path like a nonexistent one', async () => {
    const query = `query ($path: String!) { explainAccess(path: $path) {
      path kind tier policyVersion allowedBy deniedBy cappedBy maskMethod maskPolicy rowFilter } }`;
    for (const [who, path] of [
      ['ana', 'analytics.marts.fct_orders'],
      ['ana', 'analytics.marts.customers.full_name'],
      ['bob', 'analytics.marts.fct_orders'],
      ['ana', 'gross_revenue'],
    ] as const) {
      const graphql = (
        await gql<{ explainAccess: Record<string, unknown> & { maskMethod: string | null } }>(who, query, {
          path,
        })
      ).explainAccess;
      const reply = await call<Record<string, unknown> & { mask: { method: string } | null }>(
        who,
        'explain_access',
        { path },
      );
      const { maskMethod, ...rest } = graphql;
      expect(reply.structured).toMatchObject(rest);
      expect(reply.structured.mask?.method ?? null).toBe(maskMethod);
      expect(reply.structured.requestable).toBe(graphql.tier === 'DISCOVER');
    }
    const hidden = await call('ana', 'explain_access', { path: 'raw.shop.customers' });
    const missing = await call('ana', 'explain_access', { path: 'raw.shop.nothing_here' });
    expect(hidden.text).toBe('NOT_FOUND: no object has the path raw.shop.customers');
    expect(withoutPath(hidden, 'raw.shop.customers')).toBe(withoutPath(missing, 'raw.shop.nothing_here'));
  });
});

describe('get_sql_context', () => {
  interface SqlContext {
    tables: {
      path: string;
      tier: string;
      requestable: boolean;
      rowFilter: string | null;
      columnsTotal: number;
      columns: { name: string; type: string | null; mask: { method: string } | null }[];
    }[];
    joins: { from: string; to: string; fromColumns: string[]; toColumns: string[] }[];
    trimmed: unknown[];
  }

  it('gives the tables, columns, masks, row filters and the joins between them, as GraphQL shows them', async () => {
    const paths = ['analytics.marts.fct_orders', 'analytics.marts.customers'];
    const reply = await call<SqlContext>('ana', 'get_sql_context', { paths });
    expect(reply.isError).toBe(false);
    expect(reply.structured.tables.map((table) => table.path)).toEqual(paths);
    for (const table of reply.structured.tables) {
      const graphql = (await gql<GqlDataset>('ana', datasetQuery, { path: table.path })).dataset!;
      expect(table).toMatchObject({ tier: 'READ', requestable: false, rowFilter: graphql.rowFilter });
      expect(table.columns).toEqual(
        graphql.columns.map((column) => ({
          name: column.name,
          type: column.dataType,
          mask: column.access.masked
            ? { method: column.access.method, keepLast: null, expression: null }
            : null,
        })),
      );
    }
    const graphqlJoins = (
      await gql<GqlDataset>('ana', datasetQuery, { path: paths[0] })
    ).dataset!.joinPaths.filter((join) => paths.includes(join.from.path) && paths.includes(join.to.path));
    expect(graphqlJoins.length).toBeGreaterThan(0);
    expect(
      reply.structured.joins.map((join) => [join.from, join.fromColumns, join.to, join.toColumns]),
    ).toEqual(graphqlJoins.map((join) => [join.from.path, join.fromColumns, join.to.path, join.toColumns]));
    expect(reply.text).toContain("table analytics.marts.fct_orders (7 columns; rows: (region = 'emea'))");
    expect(reply.text).toMatch(
      /^join analytics\.marts\.fct_orders\.customer_id = analytics\.marts\.customers\.customer_id/m,
    );
    // Only joins between the tables asked for.
    const alone = await call<SqlContext>('ana', 'get_sql_context', { paths: ['analytics.marts.fct_orders'] });
    expect(alone.structured.joins).toEqual([]);
  });

  it('says which tables are DISCOVER only (no columns) and requestable', async () => {
    const reply = await call<SqlContext>('bob', 'get_sql_context', {
      paths: ['analytics.marts.fct_orders', 'analytics.staging.country_codes'],
    });
    expect(reply.structured.tables[0]).toEqual({
      path: 'analytics.marts.fct_orders',
      tier: 'DISCOVER',
      requestable: true,
      rowFilter: null,
      columnsTotal: 0,
      columns: [],
    });
    expect(reply.structured.tables[1]).toMatchObject({ tier: 'READ', requestable: false, columnsTotal: 2 });
    expect(reply.text).toContain(
      'table analytics.marts.fct_orders: DISCOVER only, columns withheld; requestable with request_access',
    );
  });

  it('fails the whole call on a path the caller may not discover, exactly as on one that does not exist', async () => {
    const hidden = await call('ana', 'get_sql_context', {
      paths: ['analytics.marts.fct_orders', 'raw.shop.customers'],
    });
    const missing = await call('ana', 'get_sql_context', {
      paths: ['analytics.marts.fct_orders', 'raw.shop.nothing_here'],
    });
    expect(hidden.isError).toBe(true);
    expect(hidden.text).toBe('NOT_FOUND: no object has the path raw.shop.customers');
    expect(withoutPath(hidden, 'raw.shop.customers')).toBe(withoutPath(missing, 'raw.shop.nothing_here'));
    const notDataset = await call('ana', 'get_sql_context', { paths: ['gross_revenue'] });
    expect(notDataset.text).toBe(
      'INVALID_INPUT: gross_revenue is a metric: get_sql_context takes dataset paths',
    );
    const tooMany = await call('ana', 'get_sql_context', {
      paths: Array.from({ length: 21 }, (_, i) => `a.b.c${i}`),
    });
    expect(tooMany.text).toMatch(/^INVALID_INPUT: get_sql_context arguments: .*paths/s);
  });
});
