/**
 * npm run bench:requests — the write path over HTTP, with the load from a separate process
 * (autocannon, bench/load), on a fresh PostgreSQL database with the real service (NODE_ENV
 * production) and the request company of test/support/requests-fixture.ts, plus more analysts:
 *  1. auto-approved round trips at 16 connections: `requestAccess` (decided by the
 *     `analysts-internal` rule inside the mutation, which creates the grant), then a slice query
 *     (`dataset(path)`) with the same delegation token that must show the object at READ; and the
 *     same at 1 connection (service time);
 *  2. routed requests (PENDING, for the `approvers` group) and approving them with the approvers'
 *     own tokens, at 16 connections.
 * The floor is pgbench's TPC-B-like tps on the same PostgreSQL, measured in the same run. Goals
 * (issue 14): round trips >= 25% of it with p95 <= 50 ms; routed requests and approvals >= 20%.
 *
 * Every scenario has its own delegation (human, agent chain, intent): a grant is per delegation, so
 * a second request of one delegation for the same object is refused as "already visible" (and
 * identical pending requests are deduplicated). Agents act for several analysts, so that a few
 * agents (each registration pays scrypt) make many delegations; every token is exchanged, and
 * shown the object at DISCOVER, before anything is timed. Every answer is checked (`expect`).
 *
 * BENCH_ROUNDS sets the timed round trips (default 1600, a multiple of 16). BENCH_CPU_PROFILE=<file>
 * writes a CPU profile (.cpuprofile) of the service, this process, during the timed round trips only.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { applyPeople } from '../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../src/people/import/parse-people-file.ts';
import {
  loadRequestCompany,
  type RequestWorld,
  requestAccessMutation,
  requestPeople,
  startRequestWorld,
} from '../test/support/requests-fixture.ts';
import { adminUrl, createTestDatabase } from '../test/support/test-database.ts';
import { TestIdentityProvider } from '../test/support/test-identity-provider.ts';
import { benchAuditEnv } from './audit-bench-env.ts';
import { gqlStep } from './load/graphql-step.ts';
import type { LoadResult } from './load/load-spec.ts';
import { describeLoad, runLoad } from './load/run-load.ts';
import { describeGoal, measurePgbenchFloor } from './pgbench-floor.ts';
import { profiled } from './profiled.ts';

const connections = 16;
const timedRounds = Number(process.env.BENCH_ROUNDS ?? 1600);
const warmupRounds = 4 * connections;
const singleRounds = 100;
/** Each agent acts for each analyst: agents x analysts delegations. */
const analystCount = 30;
const agentCount = Math.ceil((warmupRounds + timedRounds + singleRounds) / analystCount);
/** The object the analysts' rule approves at once (INTERNAL), and the one routed to approvers. */
const approvedPath = 'analytics.marts.fct_orders';
const routedPath = 'analytics.marts.customers';

const datasetQuery = 'query ($path: String!) { dataset(path: $path) { tier } }';
const approveMutation =
  'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }';
const requestInput = (objectPath: string) => ({
  paths: [objectPath],
  tier: 'READ',
  justification: 'Quarterly revenue question',
  duration: 'PT1H',
});

const analysts = Array.from({ length: analystCount }, (_, index) => ({
  email: `analyst${String(index).padStart(2, '0')}@acme.test`,
  name: `Analyst ${index}`,
  title: 'Analyst',
  department: 'finance',
  region: 'emea',
  groups: ['analysts'],
  manager: 'mark@acme.test',
}));

/** Runs `work` over `items` with at most `limit` at a time. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next]!;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const failed: string[] = [];
/** Prints the load's line and remembers any failed answer: a benchmark of errors measures nothing. */
function report(label: string, result: LoadResult, expected: number): LoadResult {
  console.log(describeLoad(label, result));
  if (result.failures > 0 || result.scenarios !== expected)
    failed.push(`${label}: ${result.scenarios}/${expected} scenarios, ${result.failures} failures`);
  return result;
}
const p95Of = (result: LoadResult, label: string) =>
  result.steps.find((step) => step.label === label)?.p95 ?? Number.NaN;

const startedAt = performance.now();
console.log(`load average at start: ${load()}`);
const db = await createTestDatabase();
const idp = await TestIdentityProvider.create();
let world: RequestWorld | undefined;
try {
  await loadRequestCompany(db);
  const peopleDir = await mkdtemp(path.join(tmpdir(), 'aperture-bench-people-'));
  const peopleFile = path.join(peopleDir, 'people.json');
  await writeFile(peopleFile, JSON.stringify([...requestPeople, ...analysts]));
  await applyPeople(db.prisma, peopleFile, await parsePeopleFile(peopleFile));
  world = await startRequestWorld(db, idp, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    ...benchAuditEnv(),
    APERTURE_REQUESTS_PER_HOUR_PER_AGENT: '1000000',
    APERTURE_REQUESTS_PER_HOUR_PER_HUMAN: '1000000',
    // The setup exchanges thousands of tokens from one client address.
    APERTURE_TOKEN_REQUESTS_PER_MINUTE: '10000000',
  });
  const service = world;
  const graphqlPath = new URL(service.service.graphqlUrl).pathname;
  const origin = service.service.url;

  const setupStarted = performance.now();
  const delegations = Array.from({ length: agentCount * analystCount }, (_, index) => ({
    agent: `Bench agent ${Math.floor(index / analystCount)}`,
    email: analysts[index % analystCount]!.email,
  }));
  // Registers each agent once (scrypt), serially per agent: the first delegation of each agent.
  await forEachLimited(
    Array.from({ length: agentCount }, (_, index) => index),
    4,
    async (index) => void (await service.agentToken(analysts[0]!.email, { agent: `Bench agent ${index}` })),
  );
  const tokens: string[] = new Array(delegations.length);
  await forEachLimited(
    delegations.map((delegation, index) => ({ ...delegation, index })),
    8,
    async ({ agent, email, index }) => {
      const token = await service.agentToken(email, { agent });
      // As an agent would before asking; this also checks that no grant already shows it.
      const seen = await service.gql<{ dataset: { tier: string } | null }>(token, datasetQuery, {
        path: approvedPath,
      });
      if (seen.data?.dataset?.tier !== 'DISCOVER') {
        throw new Error(
          `${agent} for ${email} sees ${approvedPath} as ${JSON.stringify(seen)} before asking`,
        );
      }
      tokens[index] = token;
    },
  );
  const approverTokens = await Promise.all(
    Array.from({ length: 20 }, (_, index) =>
      idp.token(`approver${String(index).padStart(2, '0')}@acme.test`),
    ),
  );
  console.log(
    `setup: ${agentCount} agents x ${analystCount} analysts = ${tokens.length} delegation tokens in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
  );

  let nextToken = 0;
  const takeTokens = (count: number) => {
    if (nextToken + count > tokens.length) throw new Error(`only ${tokens.length} tokens were prepared`);
    nextToken += count;
    return tokens.slice(nextToken - count, nextToken);
  };
  const roundTrips = (batch: string[]) =>
    batch.map((token) => [
      gqlStep(
        'requestAccess',
        graphqlPath,
        token,
        requestAccessMutation,
        { input: requestInput(approvedPath) },
        '"status":"APPROVED"',
      ),
      gqlStep('dataset', graphqlPath, token, datasetQuery, { path: approvedPath }, '"tier":"READ"'),
    ]);

  console.log(`== pgbench TPC-B-like, ${connections} clients, same PostgreSQL (the floor)`);
  const floor = await measurePgbenchFloor(adminUrl, { clients: connections, seconds: 15 });
  console.log(
    `pgbench: ${floor.tps.toFixed(0)} tps, latency average ${floor.latencyAverageMs.toFixed(2)} ms; load average ${load()}`,
  );

  console.log(`== auto-approved round trip (requestAccess ${approvedPath}, then dataset(path) at READ)`);
  report(
    'warm-up',
    await runLoad({
      origin,
      connections,
      seconds: 120,
      cycle: false,
      scenarios: roundTrips(takeTokens(warmupRounds)),
    }),
    warmupRounds,
  );
  const timedTokens = takeTokens(timedRounds);
  const timed = report(
    `round trips, ${connections} connections`,
    await profiled('the timed round trips', () =>
      runLoad({ origin, connections, seconds: 300, cycle: false, scenarios: roundTrips(timedTokens) }),
    ),
    timedRounds,
  );
  const single = report(
    'round trips, 1 connection',
    await runLoad({
      origin,
      connections: 1,
      seconds: 300,
      cycle: false,
      scenarios: roundTrips(takeTokens(singleRounds)),
    }),
    singleRounds,
  );
  console.log(`load average: ${load()}`);

  console.log(`== routed requests (requestAccess ${routedPath}, PENDING for the approvers group)`);
  const routed = report(
    `routed requests, ${connections} connections`,
    await runLoad({
      origin,
      connections,
      seconds: 300,
      cycle: false,
      scenarios: timedTokens.map((token) => [
        gqlStep(
          'requestAccess',
          graphqlPath,
          token,
          requestAccessMutation,
          { input: requestInput(routedPath) },
          '"status":"PENDING"',
        ),
      ]),
    }),
    timedRounds,
  );
  const pending = await db.prisma.accessRequest.findMany({
    where: { status: 'PENDING', paths: { has: routedPath } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  if (pending.length !== timedRounds)
    failed.push(`${pending.length} pending requests, expected ${timedRounds}`);
  // Approvers take turns, so that no one approver's rows are the only ones touched.
  const approvals = report(
    `approvals, ${connections} connections`,
    await runLoad({
      origin,
      connections,
      seconds: 300,
      cycle: false,
      scenarios: pending.map(({ id }, index) => [
        gqlStep(
          'approve',
          graphqlPath,
          approverTokens[index % approverTokens.length]!,
          approveMutation,
          { input: { requestId: id } },
          '"status":"APPROVED"',
        ),
      ]),
    }),
    pending.length,
  );
  console.log(`load average: ${load()}`);

  const goals = [
    describeGoal('auto-approved round trips', timed.scenariosPerSecond, floor, 0.25, {
      p95Ms: p95Of(timed, 'requestAccess') + p95Of(timed, 'dataset'),
      maxP95Ms: 50,
    }),
    describeGoal('routed requests', routed.scenariosPerSecond, floor, 0.2),
    describeGoal('approvals', approvals.scenariosPerSecond, floor, 0.2),
  ];
  for (const goal of goals) console.log(goal.line);
  console.log(
    `(round trip p95 is the sum of its steps' p95s; service time at 1 connection: ${single.steps.map((step) => `${step.label} p50 ${step.p50.toFixed(1)} ms`).join(', ')})`,
  );
  for (const failure of failed) console.error(`FAILED: ${failure}`);
  console.log(
    `total: ${((performance.now() - startedAt) / 1000).toFixed(1)} s; load average at end: ${load()}`,
  );
  process.exitCode = failed.length > 0 ? 2 : goals.every((goal) => goal.met) ? 0 : 1;
} finally {
  await world?.service.stop();
  await idp.close();
  await db.dispose();
}
