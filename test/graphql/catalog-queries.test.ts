import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { graphql as graphqlAs } from '../support/graphql-client.ts';

import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

let db: TestDatabase;
let service: RunningService;
let idp: TestIdentityProvider;
let token: string;

/** Catalog queries as Ana, a verified human. */
const graphql = <T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
) => graphqlAs<T>(url, query, variables, token);

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  await importDbtManifest(db.prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  // These tests are about the catalog API's shape: Ana may read everything.
  await applyPolicySet(
    db.prisma,
    validatePolicySet([{ id: 'read-all', description: 'Everything', effect: 'allow', tier: 'READ' }], 'test'),
    { source: 'test' },
  );
  idp = await TestIdentityProvider.create();
  service = await startTestService(db, { providers: [await idp.serveJwks()] });
  token = await idp.token('ana@acme.test');
});
afterAll(async () => {
  await service.stop();
  await idp.close();
  await db.dispose();
});

describe('GraphQL catalog queries over HTTP', () => {
  it('answers health without a token, and nothing else', async () => {
    const result = await graphqlAs(service.graphqlUrl, '{ health { status database } }');
    expect(result).toEqual({ status: 200, data: { health: { status: 'ok', database: 'postgres' } } });
    const anonymous = await graphqlAs(service.graphqlUrl, '{ datasets { totalCount } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Refused before execution (a request error): no data at all.
    expect(anonymous.data).toBeUndefined();
  });

  it('returns a dataset by path with columns, domain and join paths', async () => {
    const result = await graphql(
      service.graphqlUrl,
      `query ($path: String!) {
        dataset(path: $path) {
          path kind sensitivity tags ownerEmail domain { name }
          columns { name dataType isPrimaryKey }
          joinPaths { kind from { path } to { path } fromColumns toColumns }
        }
      }`,
      { path: 'analytics.marts.fct_orders' },
    );
    expect(result.errors).toBeUndefined();
    const dataset = result.data?.dataset as Record<string, unknown>;
    expect(dataset).toMatchObject({
      path: 'analytics.marts.fct_orders',
      kind: 'MODEL',
      domain: { name: 'sales' },
    });
    expect(dataset.columns).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'customer_id' })]),
    );
    expect(dataset.joinPaths).toEqual([
      {
        kind: 'SEMANTIC_ENTITY',
        from: { path: 'analytics.marts.fct_orders' },
        to: { path: 'analytics.marts.customers' },
        fromColumns: ['customer_id'],
        toColumns: ['customer_id'],
      },
    ]);
  });

  it('a missing dataset is null, not an error', async () => {
    const result = await graphql(service.graphqlUrl, '{ dataset(path: "nope.nope.nope") { path } }');
    expect(result).toEqual({ status: 200, data: { dataset: null } });
  });

  it('pages datasets with cursors and a total count', async () => {
    const query = `query ($after: String) {
      datasets(first: 3, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { path } } }
    }`;
    type Connection = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string };
      edges: { node: { path: string } }[];
    };
    const paths: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const result: { data?: { datasets: Connection } } = await graphql<{ datasets: Connection }>(
        service.graphqlUrl,
        query,
        { after },
      );
      const connection: Connection = result.data!.datasets;
      expect(connection.totalCount).toBe(8);
      paths.push(...connection.edges.map((edge) => edge.node.path));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(paths).toHaveLength(8);
    expect(paths).toEqual([...paths].sort());
  });

  it('filters datasets by domain, tag and text', async () => {
    const result = await graphql<{ datasets: { totalCount: number; edges: { node: { path: string } }[] } }>(
      service.graphqlUrl,
      '{ datasets(filter: { search: "ORDERS" }) { totalCount edges { node { path } } } }',
    );
    expect(result.data!.datasets.edges.map((edge) => edge.node.path)).toEqual(
      expect.arrayContaining(['analytics.marts.fct_orders', 'raw.shop.shop_orders']),
    );
  });

  it('returns a metric with its dependencies', async () => {
    const result = await graphql(
      service.graphqlUrl,
      `{ metric(name: "average_order_value") {
          name type sensitivity
          dependsOn { datasets { path } columns { path } metrics { name } }
        } }`,
    );
    expect(result.data).toEqual({
      metric: {
        name: 'average_order_value',
        type: 'ratio',
        sensitivity: 'INTERNAL',
        dependsOn: {
          datasets: [{ path: 'analytics.marts.fct_orders' }],
          columns: [
            { path: 'analytics.marts.fct_orders.amount' },
            { path: 'analytics.marts.fct_orders.order_id' },
          ],
          metrics: [{ name: 'gross_revenue' }, { name: 'order_count' }],
        },
      },
    });
  });

  it('lists glossary terms and sources', async () => {
    const result = await graphql(
      service.graphqlUrl,
      '{ glossaryTerms { totalCount edges { node { name } } } sources { name schemas { path } } }',
    );
    expect(result.data).toMatchObject({
      glossaryTerms: { totalCount: 2 },
      sources: [{ name: 'analytics' }, { name: 'raw', schemas: [{ path: 'raw.shop' }] }],
    });
  });

  it('rejects malformed documents and over-deep queries with a clear error', async () => {
    const bad = await graphql(service.graphqlUrl, '{ dataset(path: 1) { path } }');
    expect(bad.errors?.[0]?.message).toMatch(/String cannot represent/);
    const deep = await graphql(
      service.graphqlUrl,
      '{ datasets { edges { node { columns { dataset { columns { dataset { columns { dataset { columns { dataset { path } } } } } } } } } } } }',
    );
    expect(deep.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('serves GraphiQL on GET outside production', async () => {
    const response = await fetch(service.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GraphiQL');
  });
});
