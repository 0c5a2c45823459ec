import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { GovernanceClient } from '../support/governance-client.ts';
import { graphql } from '../support/graphql-client.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

let db: TestDatabase;
let service: RunningService;
let idp: TestIdentityProvider;

/** Ana is a finance analyst (groups: analysts); Bob an engineer. The shop catalog is domain `sales`. */
const policies: PolicyInput[] = [
  {
    id: 'discover-non-restricted',
    description: 'Existence',
    effect: 'allow',
    tier: 'DISCOVER',
    resources: { sensitivities: ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL'] },
  },
  {
    id: 'analysts-read-sales',
    description: 'Analysts read sales, emails hashed, their region only',
    effect: 'allow',
    tier: 'READ',
    subjects: { conditions: [{ attribute: 'groups', op: 'equals', value: 'analysts' }] },
    resources: { domains: ['sales'], sensitivities: ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL'] },
    masks: [{ columns: { tags: ['pii'] }, method: 'hash' }],
    rowFilters: [{ datasets: ['analytics.marts.fct_orders'], predicate: 'region = {{human.region}}' }],
  },
  { id: 'metrics', description: 'Metrics', effect: 'allow', tier: 'READ', resources: { kinds: ['metric'] } },
];

async function apply(inputs: PolicyInput[]) {
  await applyPolicySet(db.prisma, validatePolicySet(inputs, 'test'), { source: 'test' });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  await importDbtManifest(db.prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  await apply(policies);
  idp = await TestIdentityProvider.create();
  service = await startTestService(db, { providers: [await idp.serveJwks()] });
});
afterAll(async () => {
  await service.stop();
  await idp.close();
  await db.dispose();
});

const datasetQuery = `query ($path: String!) {
  dataset(path: $path) { path tier requestable rowFilter columns { name access { masked method } } joinPaths { to { path } } }
}`;

describe('the authorized slice over GraphQL', () => {
  it('shows read-tier datasets with masks and row filters rendered with the viewer values', async () => {
    const ana = await idp.token('ana@acme.test');
    const result = await graphql<{
      dataset: {
        tier: string;
        rowFilter: string;
        columns: { name: string; access: { masked: boolean; method: string | null } }[];
      };
    }>(service.graphqlUrl, datasetQuery, { path: 'analytics.marts.fct_orders' }, ana);
    expect(result.data?.dataset).toMatchObject({
      tier: 'READ',
      requestable: false,
      rowFilter: "(region = 'emea')",
    });
    const customers = await graphql<{
      dataset: { columns: { name: string; access: { masked: boolean; method: string | null } }[] };
    }>(service.graphqlUrl, datasetQuery, { path: 'analytics.marts.customers' }, ana);
    const email = customers.data?.dataset.columns.find((column) => column.name === 'email');
    expect(email?.access).toEqual({ masked: true, method: 'hash' });
  });

  it('discover-tier objects show no columns, join paths or definition, and are requestable', async () => {
    const bob = await idp.token('bob@acme.test');
    const result = await graphql(
      service.graphqlUrl,
      datasetQuery,
      { path: 'analytics.marts.fct_orders' },
      bob,
    );
    expect(result.data).toEqual({
      dataset: {
        path: 'analytics.marts.fct_orders',
        tier: 'DISCOVER',
        requestable: true,
        rowFilter: null,
        columns: [],
        joinPaths: [],
      },
    });
    const metric = await graphql(
      service.graphqlUrl,
      '{ metric(name: "gross_revenue") { tier definition dependsOn { datasets { path } columns { path } } } }',
      {},
      bob,
    );
    expect(metric.data).toEqual({
      metric: { tier: 'DISCOVER', definition: null, dependsOn: { datasets: [], columns: [] } },
    });
  });

  it('hidden objects are indistinguishable from absent ones, and absent from lists and counts', async () => {
    const ana = await idp.token('ana@acme.test');
    const hidden = await graphql(service.graphqlUrl, datasetQuery, { path: 'raw.shop.customers' }, ana);
    const missing = await graphql(service.graphqlUrl, datasetQuery, { path: 'raw.shop.nothing_here' }, ana);
    expect(hidden).toEqual(missing);
    expect(hidden).toEqual({ status: 200, data: { dataset: null } });
    const list = await graphql<{ datasets: { totalCount: number; edges: { node: { path: string } }[] } }>(
      service.graphqlUrl,
      '{ datasets(first: 50) { totalCount edges { node { path } } } }',
      {},
      ana,
    );
    const paths = list.data!.datasets.edges.map((edge) => edge.node.path);
    expect(paths).not.toContain('raw.shop.customers');
    expect(paths).not.toContain('analytics.snapshots.customers_snapshot');
    expect(list.data!.datasets.totalCount).toBe(paths.length);
    const search = await graphql(
      service.graphqlUrl,
      '{ datasets(filter: { search: "customers" }) { totalCount edges { node { path } } } }',
      {},
      ana,
    );
    expect(JSON.stringify(search.data)).not.toMatch(/raw\.shop\.customers|customers_snapshot/);
  });

  it("an agent sees at most its human's slice, capped by its ceiling and intent", async () => {
    const governance = new GovernanceClient(service.graphqlUrl, await idp.token('gina@acme.test'));
    await governance.createIntent({
      name: 'analytics',
      description: 'Questions',
      allowedTiers: ['DISCOVER', 'READ'],
    });
    const agent = await governance.registerAgent({
      name: 'Internal only',
      ownerEmail: 'bob@acme.test',
      allowedIntents: ['analytics'],
      ceiling: { maxTier: 'READ', maxSensitivity: 'INTERNAL', excludedTags: ['pii'] },
    });
    const exchanged = await exchangeToken(service.url, agent, {
      subject_token: await idp.subjectToken('ana@acme.test'),
      intent: 'analytics',
    });
    const token = exchanged.body.access_token!;
    const orders = await graphql<{ dataset: { tier: string; columns: { name: string }[] } }>(
      service.graphqlUrl,
      datasetQuery,
      { path: 'analytics.marts.fct_orders' },
      token,
    );
    expect(orders.data?.dataset.tier).toBe('READ');
    const confidential = await graphql(
      service.graphqlUrl,
      datasetQuery,
      { path: 'analytics.marts.customers' },
      token,
    );
    expect(confidential.data).toEqual({ dataset: null });
  });

  it('explainAccess names the policies and caps behind a tier, and nothing for hidden objects', async () => {
    const ana = await idp.token('ana@acme.test');
    const query =
      'query ($path: String!) { explainAccess(path: $path) { tier allowedBy deniedBy cappedBy rowFilter policyVersion } }';
    const orders = await graphql(service.graphqlUrl, query, { path: 'analytics.marts.fct_orders' }, ana);
    expect(orders.data).toEqual({
      explainAccess: {
        tier: 'READ',
        allowedBy: ['discover-non-restricted', 'analysts-read-sales'],
        deniedBy: [],
        cappedBy: [],
        rowFilter: "(region = 'emea')",
        policyVersion: 1,
      },
    });
    const email = await graphql(
      service.graphqlUrl,
      'query ($path: String!) { explainAccess(path: $path) { kind maskMethod maskPolicy } }',
      { path: 'analytics.marts.customers.email' },
      ana,
    );
    expect(email.data).toEqual({
      explainAccess: { kind: 'column', maskMethod: 'hash', maskPolicy: 'analysts-read-sales' },
    });
    const hidden = await graphql(service.graphqlUrl, query, { path: 'raw.shop.customers' }, ana);
    const missing = await graphql(service.graphqlUrl, query, { path: 'raw.shop.nope' }, ana);
    expect(hidden).toEqual(missing);
    expect(hidden.data).toEqual({ explainAccess: null });
  });

  it('search spans kinds, ranks name matches first, and never returns what the viewer cannot see', async () => {
    const ana = await idp.token('ana@acme.test');
    const query = `query ($q: String!, $filter: SearchFilter) {
      search(query: $q, filter: $filter, first: 50) {
        totalCount
        edges { node { __typename ... on Dataset { path } ... on Column { path } ... on Metric { name } ... on GlossaryTerm { name } } }
      }
    }`;
    const result = await graphql<{
      search: { totalCount: number; edges: { node: Record<string, string> }[] };
    }>(service.graphqlUrl, query, { q: 'customer' }, ana);
    const found = result.data!.search.edges.map(
      (edge) => `${edge.node.__typename}:${edge.node.path ?? edge.node.name}`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'Dataset:analytics.marts.customers',
        'Column:analytics.marts.fct_orders.customer_id',
      ]),
    );
    expect(found.join(' ')).not.toMatch(/raw\.shop\.customers|customers_snapshot/);
    expect(result.data!.search.totalCount).toBe(found.length);
    const columnsOnly = await graphql<{ search: { edges: { node: { __typename: string } }[] } }>(
      service.graphqlUrl,
      query,
      { q: 'customer', filter: { kinds: ['COLUMN'] } },
      ana,
    );
    expect(new Set(columnsOnly.data!.search.edges.map((edge) => edge.node.__typename))).toEqual(
      new Set(['Column']),
    );
  });

  it('governance reads, dry-runs and applies policy sets, and simulates a viewer; others cannot', async () => {
    const gina = await idp.token('gina@acme.test');
    const current = await graphql<{ policies: { version: number; policies: { id: string }[] } }>(
      service.graphqlUrl,
      '{ policies { version policies } }',
      {},
      gina,
    );
    expect(current.data?.policies.policies.map((policy) => policy.id)).toEqual(
      policies.map((policy) => policy.id),
    );
    const dryRun = await graphql(
      service.graphqlUrl,
      'mutation ($p: JSON!) { applyPolicies(policies: $p, dryRun: true) { applied version removed unchanged } }',
      { p: policies.slice(0, 2) },
      gina,
    );
    expect(dryRun.data).toEqual({
      applyPolicies: {
        applied: false,
        version: current.data!.policies.version,
        removed: ['metrics'],
        unchanged: 2,
      },
    });
    const invalid = await graphql(
      service.graphqlUrl,
      'mutation ($p: JSON!) { applyPolicies(policies: $p) { applied } }',
      { p: [{ id: 'x', description: 'bad', effect: 'allow', tier: 'READ', resources: { paths: ['a..b'] } }] },
      gina,
    );
    expect(invalid.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT');
    expect(invalid.errors?.[0]?.message).toMatch(/policies\[0\] \(x\)\.resources\.paths\.0/);

    const simulated = await graphql<{
      simulateAccess: {
        path: string;
        kind: string;
        tier: string;
        rowFilter: string | null;
        visibleColumns: number;
        maskedColumns: string[];
      }[];
    }>(
      service.graphqlUrl,
      '{ simulateAccess(humanEmail: "ana@acme.test") { path kind tier rowFilter visibleColumns maskedColumns } }',
      {},
      gina,
    );
    const customers = simulated.data?.simulateAccess.find((row) => row.path === 'analytics.marts.customers');
    expect(customers).toMatchObject({
      kind: 'dataset',
      tier: 'READ',
      maskedColumns: expect.arrayContaining(['email (hash)']),
    });
    expect(simulated.data?.simulateAccess.some((row) => row.path === 'raw.shop.customers')).toBe(false);

    const asAna = await graphql(
      service.graphqlUrl,
      '{ policies { version } }',
      {},
      await idp.token('ana@acme.test'),
    );
    expect(asAna.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('every query leaves an audit event naming the viewer, the policy version and what was returned', async () => {
    const ana = await idp.token('ana@acme.test');
    await graphql(
      service.graphqlUrl,
      'query OrdersForAudit { dataset(path: "analytics.marts.fct_orders") { path columns { name } } }',
      {},
      ana,
    );
    const orders = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'analytics.marts.fct_orders' },
    });
    const hidden = await db.prisma.dataset.findUniqueOrThrow({ where: { path: 'raw.shop.customers' } });
    const event = await expect
      .poll(
        () =>
          db.prisma.auditEvent.findFirst({ where: { type: 'slice.queried', subjectId: 'OrdersForAudit' } }),
        { timeout: 2_000 },
      )
      .toBeTruthy()
      .then(() =>
        db.prisma.auditEvent.findFirstOrThrow({
          where: { type: 'slice.queried', subjectId: 'OrdersForAudit' },
        }),
      );
    const person = await db.prisma.person.findUniqueOrThrow({ where: { email: 'ana@acme.test' } });
    expect(event).toMatchObject({ actorHumanId: person.id, policyVersion: 1 });
    const objects = (event.payload as { objects: string[] }).objects;
    expect(objects).toContain(orders.id);
    expect(objects.length).toBeGreaterThan(1);
    expect(objects).not.toContain(hidden.id);
  });

  it('a policy change acts on the next call', async () => {
    const bob = await idp.token('bob@acme.test');
    const before = await graphql<{ dataset: { tier: string } }>(
      service.graphqlUrl,
      datasetQuery,
      { path: 'analytics.marts.fct_orders' },
      bob,
    );
    expect(before.data?.dataset.tier).toBe('DISCOVER');
    await apply([
      ...policies,
      {
        id: 'engineers-read',
        description: 'Engineers read sales',
        effect: 'allow',
        tier: 'READ',
        subjects: { conditions: [{ attribute: 'department', op: 'equals', value: 'engineering' }] },
        resources: { domains: ['sales'] },
      },
    ]);
    await expect
      .poll(
        async () =>
          (
            await graphql<{ dataset: { tier: string } }>(
              service.graphqlUrl,
              datasetQuery,
              { path: 'analytics.marts.fct_orders' },
              bob,
            )
          ).data?.dataset.tier,
        { timeout: 2_000 },
      )
      .toBe('READ');
  });

  it('a policy whose validity window closes stops applying at that moment, cached or not', async () => {
    const bob = await idp.token('bob@acme.test');
    const until = new Date(Date.now() + 1_500);
    await apply([
      ...policies,
      {
        id: 'engineers-read-briefly',
        description: 'Until a moment from now',
        effect: 'allow',
        tier: 'READ',
        subjects: { conditions: [{ attribute: 'department', op: 'equals', value: 'engineering' }] },
        resources: { domains: ['sales'] },
        validUntil: until,
      },
    ]);
    const tier = async () =>
      (
        await graphql<{ dataset: { tier: string } }>(
          service.graphqlUrl,
          datasetQuery,
          { path: 'analytics.marts.fct_orders' },
          bob,
        )
      ).data?.dataset.tier;
    await expect.poll(tier, { timeout: 1_000 }).toBe('READ');
    await new Promise((resolve) => setTimeout(resolve, until.getTime() - Date.now() + 50));
    expect(await tier()).toBe('DISCOVER');
  });
});
