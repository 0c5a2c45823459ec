/**
 * npm run bench:slice — the authorized slice on a large catalog, over HTTP, on PostgreSQL:
 * 10,000 datasets, 200,000 columns, 2,000 metrics, 1,000 humans, 500 policies. Prints p50/p95/p99
 * of a search page (50 results) and of dataset(path) at concurrency 32, warm and cold (the first
 * queries after a policy change), the cold full-catalog decision time, and the same queries with
 * authorization off (every object readable, no policy evaluated).
 * Targets (issue #4): warm p95 <= 10 ms; cold full-catalog <= 500 ms; overhead <= 1.3x.
 * It also evaluates the same policies with @cedar-policy/cedar-wasm, one isAuthorized call per
 * object (sampled, projected to the whole catalog), and prints how much faster the slice is (>= 20x).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService } from '../src/app/start-service.ts';
import { importDbtManifest } from '../src/catalog/import/import-dbt-manifest.ts';
import { loadConfig } from '../src/config/config.ts';
import type { Viewer } from '../src/identity/viewer.ts';
import { applyPeople } from '../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../src/people/import/parse-people-file.ts';
import { compilePolicySet } from '../src/policy/compile-policies.ts';
import type { PolicyInput } from '../src/policy/policy-schema.ts';
import { AccessService, type ViewerSlice } from '../src/policy/slice/access-service.ts';
import { loadCatalogIndex } from '../src/policy/slice/catalog-index.ts';
import { computeSlice } from '../src/policy/slice.ts';
import { applyPolicySet, currentPolicySet, validatePolicySet } from '../src/policy/store/policy-store.ts';
import { createTestDatabase, silentLogger } from '../test/support/test-database.ts';
import { TestIdentityProvider } from '../test/support/test-identity-provider.ts';
import { compareWithCedar } from './cedar-comparison.ts';
import { serveGraphQL } from './graphql-endpoint.ts';
import { measure, percentile, summary } from './latency.ts';

const models = Number(process.env.BENCH_MODELS ?? 10_000);
const humans = 1_000;
const departments = ['sales', 'finance', 'hr', 'marketing', 'support', 'engineering'];
const domains = ['sales', 'finance', 'hr', 'marketing', 'support'];
const sensitivities = ['PUBLIC', 'INTERNAL', 'CONFIDENTIAL', 'RESTRICTED'] as const;

/** A deterministic pseudo-random sequence (so every run measures the same workload). */
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;

function policies(count: number, variant: number): PolicyInput[] {
  return Array.from({ length: count }, (_, index): PolicyInput => {
    const department = pick(departments);
    const domain = pick(domains);
    const kind = index % 10;
    if (kind === 0) {
      return {
        id: `deny-${index}`,
        description: 'deny',
        effect: 'deny',
        tier: 'READ',
        resources: { kinds: ['column'], tags: ['pii'] },
        subjects: { conditions: [{ attribute: 'department', op: 'notIn', values: [department] }] },
      };
    }
    if (kind < 4) {
      return {
        id: `discover-${index}`,
        description: `discover ${variant}`,
        effect: 'allow',
        tier: 'DISCOVER',
        resources: { domains: [domain], sensitivities: [pick(sensitivities)] },
      };
    }
    return {
      id: `read-${index}`,
      description: 'read',
      effect: 'allow',
      tier: 'READ',
      subjects: { conditions: [{ attribute: 'department', op: 'equals', value: department }] },
      resources: { domains: [domain], sensitivities: ['PUBLIC', 'INTERNAL', pick(sensitivities)] },
      masks: kind === 5 ? [{ columns: { tags: ['pii'] }, method: 'hash' }] : [],
      rowFilters: kind === 6 ? [{ predicate: 'region = {{human.region}}' }] : [],
    };
  });
}

const dir = await mkdtemp(path.join(tmpdir(), 'aperture-slice-'));
const manifest = path.join(dir, 'manifest.json');
execFileSync(
  process.execPath,
  ['--import', 'tsx', 'bench/company/generate-large-manifest.ts', manifest, String(models), '20', '2000'],
  { stdio: 'inherit' },
);
const peopleFile = path.join(dir, 'people.json');
await writeFile(
  peopleFile,
  JSON.stringify(
    Array.from({ length: humans }, (_, index) => ({
      email: `person${index}@bench.example`,
      name: `Person ${index}`,
      department: pick(departments),
      region: pick(['emea', 'amer', 'apac']),
      groups: [pick(['analysts', 'engineering', 'finance'])],
    })),
  ),
);

const db = await createTestDatabase();
const idp = await TestIdentityProvider.create();
try {
  await applyPeople(db.prisma, peopleFile, await parsePeopleFile(peopleFile));
  await importDbtManifest(db.prisma, manifest);
  await applyPolicySet(db.prisma, validatePolicySet(policies(500, 0), 'bench'), { source: 'bench' });
  console.log(
    `catalog: ${models} datasets, ${models * 20} columns, 2000 metrics; ${humans} humans; 500 policies`,
  );

  // Cold, in process: compile the policy set and decide the whole catalog for one viewer.
  const started = performance.now();
  const set = await currentPolicySet(db.prisma);
  const compiled = compilePolicySet(set.policies, set.version);
  const compileMs = performance.now() - started;
  const index = await loadCatalogIndex(db.prisma);
  const person = await db.prisma.person.findFirstOrThrow({ where: { department: 'sales' } });
  const context = {
    human: {
      email: person.email,
      department: person.department,
      region: person.region,
      title: null,
      groups: person.groups,
      manager: null,
      attributes: {},
    },
    intent: null,
    ceilings: [],
    grants: [],
    now: new Date(),
  };
  const objects = [...index.byId.values()];
  const sliceStarted = performance.now();
  const slice = computeSlice(compiled, context, objects, (objectPath) => index.byPath.get(objectPath));
  const sliceMs = performance.now() - sliceStarted;
  console.log(
    `cold: compile ${compileMs.toFixed(1)} ms; full-catalog decisions for one viewer (${objects.length} objects, ${slice.decisions.size} visible) ${sliceMs.toFixed(1)} ms`,
  );

  // The same policies in Cedar, one isAuthorized call per object. A call costs milliseconds with
  // 500 policies, so by default every 50th object is decided and the time projected to the whole
  // catalog (BENCH_CEDAR_STRIDE=1 decides all of them: about 11 minutes here).
  const stride = Number(process.env.BENCH_CEDAR_STRIDE ?? 50);
  const cedar = await compareWithCedar({
    policies: set.policies,
    objects,
    human: context.human,
    intent: null,
    stride,
  });
  const cedarRatio = cedar.projectedFullMs / (compileMs + sliceMs);
  console.log(
    `cedar (${cedar.cedarVersion}, ${cedar.api}, ${cedar.policiesTranslated} policies): ${cedar.calls} calls in ${cedar.cedarMs.toFixed(0)} ms ` +
      `(${((cedar.cedarMs / cedar.calls) * 1000).toFixed(0)} µs per object), projected to ${objects.length} objects: ${(cedar.projectedFullMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `aperture full-catalog slice vs cedar per object: ${cedarRatio.toFixed(0)}x faster (target >= 20x: ${cedarRatio >= 20 ? 'MET' : 'MISSED'})`,
  );

  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
  });
  const service = await startService(config, silentLogger);
  // Authorization off: every object readable, no policy evaluated, same server otherwise.
  class AllowAll extends AccessService {
    override async sliceFor(viewer: Viewer): Promise<ViewerSlice> {
      const real = await super.sliceFor(viewer);
      const read = {
        visibility: 'READ' as const,
        mask: null,
        rowFilter: null,
        reasons: { allowedBy: [], deniedBy: [], cappedBy: [] },
      };
      return { ...real, decide: () => read };
    }
  }
  const off = await serveGraphQL({
    db,
    config,
    overrides: {
      access: ({ database, identity, grants, changes }) =>
        new AllowAll(database.prisma, identity.state, grants, changes, config.identity),
    },
  });
  const offUrl = off.url;

  const tokens = await Promise.all(
    Array.from({ length: 32 }, (_, index) => idp.token(`person${index * 7}@bench.example`)),
  );
  let next = 0;
  const post = (url: string, query: string) => async () => {
    const token = tokens[next++ % tokens.length]!;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    if (response.status !== 200) throw new Error(await response.text());
    await response.arrayBuffer();
  };
  const searchQuery =
    '{ search(query: "model_12", first: 50) { totalCount edges { node { __typename ... on Dataset { path tier } ... on Column { path } } } } }';
  const datasetQuery = () =>
    `{ dataset(path: "warehouse.${pick(domains)}.model_${Math.floor(random() * models)}") { path tier columns { name access { masked } } } }`;
  const run = async (label: string, url: string, query: () => string, total: number, concurrency = 32) => {
    const { latencies } = await measure(() => post(url, query())(), { total, concurrency, maxSeconds: 60 });
    console.log(`${label.padEnd(34)} ${summary(latencies)}`);
    return latencies;
  };

  console.log('== over HTTP, concurrency 32');
  await run('warm-up', service.graphqlUrl, () => searchQuery, 200);
  const searchOn = await run('search page, authorized (warm)', service.graphqlUrl, () => searchQuery, 2_000);
  const datasetOn = await run('dataset(path), authorized (warm)', service.graphqlUrl, datasetQuery, 2_000);
  await run('warm-up (off)', offUrl, () => searchQuery, 200);
  const searchOff = await run('search page, authorization off', offUrl, () => searchQuery, 2_000);
  const datasetOff = await run('dataset(path), authorization off', offUrl, datasetQuery, 2_000);
  console.log('== over HTTP, one client (the service time of one query)');
  await run('search page, authorized', service.graphqlUrl, () => searchQuery, 300, 1);
  await run('dataset(path), authorized', service.graphqlUrl, datasetQuery, 300, 1);

  await applyPolicySet(db.prisma, validatePolicySet(policies(500, 1), 'bench'), { source: 'bench' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await run('search page, cold (after a change)', service.graphqlUrl, () => searchQuery, 32);

  const searchRatio = percentile(searchOn, 95) / percentile(searchOff, 95);
  const datasetRatio = percentile(datasetOn, 95) / percentile(datasetOff, 95);
  console.log(
    `overhead at p95: search ${searchRatio.toFixed(2)}x, dataset(path) ${datasetRatio.toFixed(2)}x`,
  );
  const warm = Math.max(percentile(searchOn, 95), percentile(datasetOn, 95));
  console.log(`target warm p95 <= 10 ms: ${warm <= 10 ? 'MET' : 'MISSED'} (${warm.toFixed(1)} ms)`);
  console.log(
    `target cold full-catalog <= 500 ms: ${compileMs + sliceMs <= 500 ? 'MET' : 'MISSED'} (${(compileMs + sliceMs).toFixed(0)} ms)`,
  );
  console.log(`target overhead <= 1.3x: ${Math.max(searchRatio, datasetRatio) <= 1.3 ? 'MET' : 'MISSED'}`);

  await off.close();
  await service.stop();
} finally {
  await idp.close();
  await db.dispose();
  await rm(dir, { recursive: true, force: true });
}
