/**
 * npm run bench:vend — role vending (issue 16) against the PostgreSQL on 127.0.0.1:5432, with the
 * service in this process (NODE_ENV production) and HTTP load from a separate process (autocannon,
 * bench/load). A source database holds 200,000 customers in 8 regions; aperture holds the request
 * company's people plus 32 analysts, the catalog imported from the source, and a policy that masks
 * card numbers and emails and filters rows by `region = {{human.region}}`. Measures:
 *  1. vendDatabaseCredential at 8 connections, each with its own delegation token, beside the
 *     floor (the `{ viewer }` query, same tokens, same server, same run); every login is released
 *     after (its latency printed too) and the source checked for leftovers;
 *  2. revocation -> termination: 20 vended logins each with a session in `SELECT pg_sleep(30)`;
 *     governance revokes each delegation token (one at a time, then 20 at once) and the clock runs
 *     until the query fails with 57P01; MET / NOT MET for the p95 <= 2 s. Then 10 of them
 *     again, one at a time, with 96 other logins active (every followed change rechecks every
 *     active login of the source);
 *  3. query cost: an aggregate over the filtered rows, a point lookup and a 1000-row range scan,
 *     as the vended login through its masking view and RLS vs. as the table owner on the base table
 *     with the region written by hand (p50 of each, ratio), and the vended plans (EXPLAIN ANALYZE).
 * Nothing is asserted by time: the exit code is 2 only when an answer failed or a session was not
 * terminated. Every database and role it creates is dropped, also on failure or Ctrl-C.
 *
 * Env: BENCH_VENDS (timed vends, default 800, a multiple of 8; autocannon ends a
 * fixed-count run on a whole second, so fewer vends make the rate coarser), BENCH_REVOCATIONS (20),
 * BENCH_BACKGROUND_LOGINS (96; 0 skips that run), BENCH_FLOOR_SECONDS (5), BENCH_QUIET_PLANS=true
 * (no plans), BENCH_CPU_PROFILE=<file> (a CPU profile of the service during the timed vends).
 */
import { loadavg } from 'node:os';
import { type RequestWorld, startRequestWorld } from '../../test/support/requests-fixture.ts';
import { createTestDatabase } from '../../test/support/test-database.ts';
import { TestIdentityProvider } from '../../test/support/test-identity-provider.ts';
import { benchAuditEnv } from '../audit-bench-env.ts';
import { analysts, loadBenchCompany } from './bench-company.ts';
import { benchSource, createBenchSource, regions } from './bench-source.ts';
import { CleanupStack } from './cleanup-stack.ts';
import { printSummary } from './print-summary.ts';
import { measureQueryCost, type VendedCustomers } from './query-cost.ts';
import { measureRevocation, type RevocationRun } from './revocation-latency.ts';
import { measureVendLatency, print } from './vend-latency.ts';
import { releaseAll, type VendTarget, vendLogins, vendMutation } from './vend-load.ts';

const connections = 8;
const vends = Number(process.env.BENCH_VENDS ?? 800);
const revocations = Number(process.env.BENCH_REVOCATIONS ?? 20);
const floorSeconds = Number(process.env.BENCH_FLOOR_SECONDS ?? 5);
const backgroundLogins = Number(process.env.BENCH_BACKGROUND_LOGINS ?? 96);
if (vends % connections !== 0 || backgroundLogins % connections !== 0)
  throw new Error(`BENCH_VENDS and BENCH_BACKGROUND_LOGINS must be multiples of ${connections}`);
if (revocations > analysts.length - 1) throw new Error(`BENCH_REVOCATIONS: at most ${analysts.length - 1}`);

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const startedAt = performance.now();
const cleanup = new CleanupStack();
let failed = false;
console.log(`load average at start: ${load()}`);
try {
  const source = await createBenchSource();
  cleanup.push('drop the source database and its roles', () => source.drop());
  const db = await createTestDatabase();
  cleanup.push('drop the aperture database', () => db.dispose());
  await loadBenchCompany(db.prisma, source);
  const idp = await TestIdentityProvider.create();
  cleanup.push('stop the identity provider', () => idp.close());
  const world: RequestWorld = await startRequestWorld(db, idp, {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    ...benchAuditEnv(),
    ...source.connectionsEnv(),
    APERTURE_TOKEN_REQUESTS_PER_MINUTE: '10000000',
  });
  cleanup.push('stop the service', () => world.service.stop());
  const origin = world.service.url;
  const graphqlPath = new URL(world.service.graphqlUrl).pathname;
  console.log(
    `setup: ${source.name} (${regions.length} regions x 25,000 customers), aperture and the service in ${seconds(startedAt)}; load average ${load()}`,
  );

  // One analyst per region for the callers; the others for revocation; one for the queries.
  const callers = regions.map((_, index) => analysts[index * (analysts.length / regions.length)]!.email);
  const others = analysts.map((analyst) => analyst.email).filter((email) => !callers.includes(email));
  // The first token registers the agent; the rest are exchanges of the same agent.
  const tokens = [await world.agentToken(callers[0]!)];
  tokens.push(...(await Promise.all(callers.slice(1).map((email) => world.agentToken(email)))));

  const target: VendTarget = { origin, graphqlPath, db, tokens };
  const loginsInSource = async () =>
    Number(
      (
        await source.asSuperuser<{ count: string }>(
          'SELECT count(*) FROM pg_roles WHERE starts_with(rolname, $1)',
          [`${source.rolePrefix}_v_`],
        )
      ).rows[0]!.count,
    );

  console.log(`== 1. vend latency, ${connections} connections, ${vends} timed vends`);
  const vendFigures = await measureVendLatency(target, { vends, floorSeconds, loginsInSource });
  failed ||= [vendFigures.vend, vendFigures.floor, vendFigures.release].some((run) => run.failures > 0);
  console.log(`load average: ${load()}`);

  console.log(`== 2. revocation -> termination, sessions in pg_sleep(30)`);
  const revocationRun = (emails: string[], together: boolean) =>
    measureRevocation({
      world,
      emails,
      together,
      activeSessions: async (usernames) =>
        Number(
          (
            await source.asSuperuser<{ count: string }>(
              `SELECT count(*) FROM pg_stat_activity
               WHERE usename = ANY($1::text[]) AND state = 'active' AND query LIKE 'SELECT pg_sleep%'`,
              [usernames],
            )
          ).rows[0]!.count,
        ),
    });
  const revocation: { label: string; run: RevocationRun }[] = [];
  const revoked = others.slice(0, revocations);
  revocation.push({ label: `${revocations}, one at a time`, run: await revocationRun(revoked, false) });
  revocation.push({ label: `${revocations}, all at once`, run: await revocationRun(revoked, true) });
  if (backgroundLogins > 0) {
    // Every followed change rechecks every active login of the source: the same revocations
    // with other logins active show what that costs.
    print(`${backgroundLogins} other logins vended`, await vendLogins(target, backgroundLogins));
    const some = revoked.slice(0, Math.min(10, revocations));
    revocation.push({
      label: `${some.length}, one at a time, ${backgroundLogins} other logins active`,
      run: await revocationRun(some, false),
    });
    print('other logins released', await releaseAll(target));
  }
  failed ||= revocation.some(({ run }) => run.notTerminated.length > 0);
  console.log(`load average: ${load()}`);

  console.log('== 3. query cost: vended login through its view and RLS vs. the table owner');
  const reader = others.at(-1)!;
  const readerToken = await world.agentToken(reader);
  const vended = await world.gql<{
    vendDatabaseCredential: VendedCustomers['login'] & { datasets: { dataset: string; relation: string }[] };
  }>(readerToken, vendMutation, { source: benchSource });
  const login = vended.data?.vendDatabaseCredential;
  if (!login) throw new Error(`vend for the queries: ${JSON.stringify(vended.errors)}`);
  const customers = login.datasets.find((dataset) => dataset.dataset === `${benchSource}.sales.customers`);
  if (!customers) throw new Error('the vended login does not read the customers');
  const queries = await measureQueryCost({
    vended: {
      login,
      relation: customers.relation,
      region: analysts.find((analyst) => analyst.email === reader)!.region,
    },
    ownerUrl: source.ownerUrl,
    aggregateRuns: 40,
    pointRuns: 400,
    rangeRuns: 150,
  });
  if (process.env.BENCH_QUIET_PLANS !== 'true') {
    for (const { label, plan } of queries.plans) {
      console.log(`-- EXPLAIN (ANALYZE, BUFFERS) as the vended login: ${label}`);
      console.log(plan);
    }
  }

  printSummary({ connections, vend: vendFigures, revocation, queries });
  console.log(`\ntotal: ${seconds(startedAt)}; load average at end: ${load()}`);
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await cleanup.run();
}
if (failed) process.exitCode = 2;
