/**
 * The read side of issue 14, for one company size on one database: the search page and
 * dataset(path) at concurrency 32 over HTTP, the service in its own process, the load from
 * another (autocannon), beside the floor measured in the same run — a bare graphql-yoga server
 * answering the same JSON — and the same service with authorization off. Also the cold
 * full-catalog slice for one viewer, the service's memory holding the catalog, and the first
 * search page after a policy change.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import type { PolicyHuman, PolicyObject } from '../../src/policy/access-context.ts';
import { compilePolicySet } from '../../src/policy/compile-policies.ts';
import type { Policy } from '../../src/policy/policy-schema.ts';
import { loadCatalog } from '../../src/policy/slice/loaded-catalog.ts';
import { computeSlice } from '../../src/policy/slice.ts';
import { applyPolicySet, currentPolicySet, validatePolicySet } from '../../src/policy/store/policy-store.ts';
import { createTestDatabase, silentLogger } from '../../test/support/test-database.ts';
import type { TestIdentityProvider } from '../../test/support/test-identity-provider.ts';
import { benchAuditEnv } from '../audit-bench-env.ts';
import {
  type CompanySize,
  companyPolicies,
  domains,
  importCompany,
  personEmail,
  seededRandom,
} from '../company/large-company.ts';
import type { LoadResult, LoadSpec } from '../load/load-spec.ts';
import { runLoad } from '../load/run-load.ts';
import { serveBareYoga } from './bare-yoga-floor.ts';
import { startCompanyServer } from './company-server.ts';

export const searchQuery =
  'query Search($text: String!) { search(query: $text, first: 50) { totalCount edges { cursor node { __typename ... on Dataset { path tier description } ... on Column { path dataType access { masked method } } ... on Metric { name tier } ... on GlossaryTerm { name } } } } }';
export const datasetQuery =
  'query Dataset($path: String!) { dataset(path: $path) { path tier description rowFilter columns { name dataType access { masked method } } } }';

export interface ReadFigures {
  database: 'postgres' | 'embedded';
  importSeconds: number;
  catalogIndexMs: number;
  fullSliceMs: number;
  serviceRssBytes: number;
  search: { service: LoadResult; floor: LoadResult; off: LoadResult };
  dataset: { service: LoadResult; floor: LoadResult; off: LoadResult };
  coldSearchMs: number;
}

export interface ReadBenchOptions {
  size: CompanySize;
  files: { manifest: string; people: string };
  database: 'postgres' | 'embedded';
  idp: TestIdentityProvider;
  seconds: number;
}

const connections = 32;

export async function benchReads(options: ReadBenchOptions): Promise<ReadFigures> {
  const { size, files, idp } = options;
  const scratch = await mkdtemp(path.join(tmpdir(), 'aperture-reads-'));
  let database: (Database & { dispose(): Promise<void> }) | null = null;
  try {
    let env: Record<string, string>;
    let offEnv: Record<string, string>;
    const importStarted = performance.now();
    if (options.database === 'postgres') {
      const created = await createTestDatabase();
      database = created;
      await importCompany(created.prisma, files, size);
      env = { DATABASE_URL: created.url };
      offEnv = env;
    } else {
      const dataDir = path.join(scratch, 'data');
      const embedded = await openDatabase({ kind: 'embedded', dataDir });
      database = { ...embedded, dispose: () => embedded.close() };
      await applyMigrations(embedded.sql, silentLogger);
      await importCompany(embedded.prisma, files, size);
      env = { APERTURE_DATA_DIR: dataDir };
      offEnv = { APERTURE_DATA_DIR: path.join(scratch, 'data-off') };
    }
    const importSeconds = (performance.now() - importStarted) / 1000;
    const { catalogIndexMs, fullSliceMs } = await coldFullSlice(database);
    if (options.database === 'embedded') {
      // One process owns an embedded data folder: close it here, give the "off" server a copy.
      await database.dispose();
      database = null;
      await cp(env.APERTURE_DATA_DIR!, offEnv.APERTURE_DATA_DIR!, { recursive: true });
    }

    const common = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      PORT: '0',
      APERTURE_SEED_DEMO: 'false',
      APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
      ...benchAuditEnv(),
    };
    const tokens = await Promise.all(
      Array.from({ length: connections }, (_, index) => idp.token(personEmail(index * 7))),
    );
    const random = seededRandom(3);
    const datasetPaths = Array.from({ length: 320 }, () => {
      const index = Math.floor(random() * size.models);
      return `warehouse.${domains[index % domains.length]}.model_${index}`;
    });
    const searchText = 'model_12';
    const searchBody = JSON.stringify({ query: searchQuery, variables: { text: searchText } });
    const searchScenarios = tokens.map((token) => [
      { label: 'search', path: '/graphql', headers: bearer(token), body: searchBody, expect: '"totalCount"' },
    ]);
    const datasetScenarios = datasetPaths.map((datasetPath, index) => [
      {
        label: 'dataset',
        path: '/graphql',
        headers: bearer(tokens[index % tokens.length]!),
        body: JSON.stringify({ query: datasetQuery, variables: { path: datasetPath } }),
        expect: '{"data":{"dataset":',
      },
    ]);
    const load = (origin: string, scenarios: LoadSpec['scenarios'], seconds = options.seconds) =>
      runLoad({ origin, connections, seconds, cycle: true, scenarios });

    const service = await startCompanyServer({ ...common, ...env });
    let serviceRssBytes: number;
    let search: ReadFigures['search'];
    let dataset: ReadFigures['dataset'];
    let coldSearchMs: number;
    try {
      // The first answer waits for the catalog to load; the warm-up starts after it.
      await graphql(service.graphqlUrl, tokens[0]!, searchBody);
      await load(service.origin, searchScenarios, 3);
      await load(service.origin, datasetScenarios, 3);
      serviceRssBytes = await service.rss();

      // The floor answers what the service answered: the first viewer's search, each path's dataset.
      const searchAnswer = await graphql(service.graphqlUrl, tokens[0]!, searchBody);
      const datasetAnswers = new Map<string, unknown>();
      for (const [index, datasetPath] of datasetPaths.entries()) {
        const answer = (await graphql(
          service.graphqlUrl,
          tokens[index % tokens.length]!,
          datasetScenarios[index]![0]!.body,
        )) as { dataset: unknown };
        datasetAnswers.set(datasetPath, answer.dataset);
      }
      const floor = await serveBareYoga({
        search: () => (searchAnswer as { search: unknown }).search,
        dataset: (_root, args) => datasetAnswers.get(String(args.path)) ?? null,
      });
      try {
        await load(floor.origin, searchScenarios, 2);
        const searchFloor = await load(floor.origin, searchScenarios);
        const searchService = await load(service.origin, searchScenarios);
        const datasetFloor = await load(floor.origin, datasetScenarios);
        const datasetService = await load(service.origin, datasetScenarios);
        search = { service: searchService, floor: searchFloor, off: searchService };
        dataset = { service: datasetService, floor: datasetFloor, off: datasetService };
      } finally {
        await floor.close();
      }
      const change = { database, governanceToken: await idp.token(personEmail(0)) };
      coldSearchMs = await firstSearchAfterPolicyChange(service.graphqlUrl, change, {
        token: tokens[1]!,
        body: searchBody,
        policies: size.policies,
      });
    } finally {
      await service.stop();
    }

    const off = await startCompanyServer({ ...common, ...offEnv, BENCH_AUTHORIZATION: 'off' });
    try {
      await graphql(off.graphqlUrl, tokens[0]!, searchBody);
      await load(off.origin, searchScenarios, 3);
      search.off = await load(off.origin, searchScenarios);
      await load(off.origin, datasetScenarios, 3);
      dataset.off = await load(off.origin, datasetScenarios);
    } finally {
      await off.stop();
    }
    return {
      database: options.database,
      importSeconds,
      catalogIndexMs,
      fullSliceMs,
      serviceRssBytes,
      search,
      dataset,
      coldSearchMs,
    };
  } finally {
    await database?.dispose();
    await rm(scratch, { recursive: true, force: true });
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

async function graphql(url: string, token: string, body: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body,
  });
  const result = (await response.json()) as { data?: unknown; errors?: unknown };
  if (result.errors || !result.data) throw new Error(`unexpected answer: ${JSON.stringify(result)}`);
  return result.data;
}

/** Cold, in process: load the catalog index, compile the policies, decide the whole catalog for one viewer. */
export async function coldFullSlice(database: Database): Promise<{
  catalogIndexMs: number;
  fullSliceMs: number;
  objects: PolicyObject[];
  policies: Policy[];
  human: PolicyHuman;
}> {
  const indexStarted = performance.now();
  const index = (await loadCatalog(database.prisma)).index;
  const catalogIndexMs = performance.now() - indexStarted;
  const person = await database.prisma.person.findFirstOrThrow({ where: { department: 'sales' } });
  const started = performance.now();
  const set = await currentPolicySet(database.prisma);
  const compiled = compilePolicySet(set.policies, set.version);
  const objects = [...index.byId.values()];
  const human: PolicyHuman = {
    email: person.email,
    department: person.department,
    region: person.region,
    title: null,
    groups: person.groups,
    manager: null,
    attributes: {},
  };
  computeSlice(
    compiled,
    {
      human,
      intent: null,
      ceilings: [],
      grants: [],
      now: new Date(),
    },
    objects,
    (objectPath) => index.byPath.get(objectPath),
  );
  return { catalogIndexMs, fullSliceMs: performance.now() - started, objects, policies: set.policies, human };
}

/**
 * Applies a new version of the policies, then times the next search page. On PostgreSQL it is
 * written as the CLI does (thousands of policies exceed a request's size limit) and the service
 * hears of it through the change feed; on the embedded database, which the service's process owns,
 * governance applies it over GraphQL.
 */
async function firstSearchAfterPolicyChange(
  url: string,
  change: { database: Database | null; governanceToken: string },
  search: { token: string; body: string; policies: number },
): Promise<number> {
  const policies = companyPolicies(search.policies, 1);
  if (change.database) {
    await applyPolicySet(change.database.prisma, validatePolicySet(policies, 'bench'), { source: 'bench' });
    // A notification reaches the service within milliseconds; leave it ample time.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } else {
    const apply = JSON.stringify({
      query: 'mutation Apply($policies: JSON!) { applyPolicies(policies: $policies) { version } }',
      variables: { policies },
    });
    await graphql(url, change.governanceToken, apply);
  }
  const started = performance.now();
  await graphql(url, search.token, search.body);
  return performance.now() - started;
}
