import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { importDbtManifest } from '../../src/catalog/import/import-dbt-manifest.ts';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { applyPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { consoleGraphql, devSignIn } from '../support/console-client.ts';
import { graphql } from '../support/graphql-client.ts';
import type { ConsoleSignIn } from '../support/local-oidc-provider.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

/**
 * The console is a GraphQL client over a person's session. From the attacker's side: a person
 * whose GraphQL access a deny naming `graphql` takes away does not get it back by signing in to
 * the console and asking the same question there.
 */
let db: TestDatabase;
let dataDir: string;
let service: RunningService;
let idp: TestIdentityProvider;
let anaSession: ConsoleSignIn;

const policies: PolicyInput[] = [
  { id: 'read-everything', description: 'Everything', effect: 'allow', tier: 'READ' },
  {
    id: 'no-orders-over-graphql',
    description: 'Orders never over GraphQL',
    effect: 'deny',
    tier: 'DISCOVER',
    resources: { paths: ['analytics.marts.fct_orders'] },
    channels: ['graphql'],
  },
  {
    id: 'no-customers-in-the-console',
    description: 'Customers stay out of the console',
    effect: 'deny',
    tier: 'DISCOVER',
    resources: { paths: ['analytics.marts.customers'] },
    channels: ['console'],
  },
];

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  await importDbtManifest(db.prisma, path.resolve('test/fixtures/dbt/manifest-v12.json'));
  await applyPolicySet(db.prisma, validatePolicySet(policies, 'test'), { source: 'test' });
  idp = await TestIdentityProvider.create();
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-console-channel-'));
  service = await startTestService(db, {
    providers: [await idp.serveJwks()],
    env: { NODE_ENV: '', APERTURE_DATA_DIR: dataDir, APERTURE_DEV_ISSUER: 'true' },
  });
  anaSession = await devSignIn(service.url, 'ana@acme.test');
});
afterAll(async () => {
  await service?.stop();
  await idp?.close();
  await db?.dispose();
  await rm(dataDir, { recursive: true, force: true });
});

const datasetQuery = 'query ($path: String!) { dataset(path: $path) { path tier } }';
const listQuery = '{ datasets(first: 100) { totalCount edges { node { path } } } }';

const overConsole = (query: string, variables: Record<string, unknown> = {}) =>
  consoleGraphql(service.url, anaSession, query, variables);
const overGraphql = async (query: string, variables: Record<string, unknown> = {}) =>
  graphql(service.graphqlUrl, query, variables, await idp.token('ana@acme.test'));

const paths = (answer: { data?: unknown }) =>
  (answer.data as { datasets: { edges: { node: { path: string } }[] } }).datasets.edges.map(
    (edge) => edge.node.path,
  );

describe('a deny naming graphql, through the console', () => {
  it('hides the object over GraphQL with a bearer token', async () => {
    const answer = await overGraphql(datasetQuery, { path: 'analytics.marts.fct_orders' });
    expect(answer).toEqual({ status: 200, data: { dataset: null } });
  });

  it('hides it from a console session too, exactly like an object that does not exist', async () => {
    const hidden = await overConsole(datasetQuery, { path: 'analytics.marts.fct_orders' });
    const missing = await overConsole(datasetQuery, { path: 'analytics.marts.nothing_here' });
    expect(hidden).toEqual({ status: 200, data: { dataset: null } });
    expect(hidden).toEqual(missing);
    expect(paths(await overConsole(listQuery))).not.toContain('analytics.marts.fct_orders');
  });

  it('a deny naming console alone hides from the console only', async () => {
    const inConsole = await overConsole(datasetQuery, { path: 'analytics.marts.customers' });
    expect(inConsole).toEqual({ status: 200, data: { dataset: null } });
    const overBearer = await overGraphql(datasetQuery, { path: 'analytics.marts.customers' });
    expect(overBearer).toEqual({
      status: 200,
      data: { dataset: { path: 'analytics.marts.customers', tier: 'READ' } },
    });
  });

  it('leaves what no channel-bound deny names alike through both doors', async () => {
    const console = paths(await overConsole(listQuery));
    const bearer = paths(await overGraphql(listQuery));
    expect(console.length).toBeGreaterThan(0);
    expect(bearer.filter((path) => path !== 'analytics.marts.customers')).toEqual(console);
  });
});
