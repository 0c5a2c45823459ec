import { createServices } from '../src/app/create-services.ts';
import { startService } from '../src/app/start-service.ts';
import { loadConfig } from '../src/config/config.ts';
import { GovernanceClient } from '../test/support/governance-client.ts';
import { exchangeToken } from '../test/support/oauth-client.ts';
import { createTestDatabase, silentLogger } from '../test/support/test-database.ts';
import { TestIdentityProvider } from '../test/support/test-identity-provider.ts';
import { loadTestPeople } from '../test/support/test-service.ts';
import { benchAuditEnv } from './audit-bench-env.ts';
import { serveGraphQL } from './graphql-endpoint.ts';
import { measure, percentile, summary } from './latency.ts';

const targetAddedMs = 0.3;
const db = await createTestDatabase();
const idp = await TestIdentityProvider.create();
await loadTestPeople(db);
const config = loadConfig({
  DATABASE_URL: db.url,
  PORT: '0',
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  ...benchAuditEnv(),
  APERTURE_MIGRATE_ON_START: 'true',
  APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
  // The benchmark is one client address sending thousands of requests.
  APERTURE_TOKEN_REQUESTS_PER_MINUTE: '10000000',
});
const service = await startService(config, silentLogger);
// The modules once more in this process, to call the authenticator directly.
const direct = await createServices(config, silentLogger, { database: db });
const { identity } = direct;

try {
  const governance = new GovernanceClient(service.graphqlUrl, await idp.token('gina@acme.test'));
  await governance.createIntent({
    name: 'analytics',
    description: 'Answer business questions',
    allowedTiers: ['READ'],
  });
  const agent = await governance.registerAgent({
    name: 'Bench agent',
    ownerEmail: 'bob@acme.test',
    allowedIntents: ['analytics'],
  });
  const subject = await idp.subjectToken('ana@acme.test');
  const exchangeOnce = async () => {
    const result = await exchangeToken(service.url, agent, { subject_token: subject, intent: 'analytics' });
    if (result.status !== 200) throw new Error(JSON.stringify(result.body));
    return result.body.access_token!;
  };
  const delegationToken = await exchangeOnce();

  console.log('== token exchange over HTTP (POST /oauth/token, 8 concurrent clients)');
  await measure(async () => void (await exchangeOnce()), { total: 200, concurrency: 8, maxSeconds: 10 });
  const exchanges = await measure(async () => void (await exchangeOnce()), {
    total: 5_000,
    concurrency: 8,
    maxSeconds: 20,
  });
  console.log(
    `exchanges: ${(exchanges.latencies.length / exchanges.seconds).toFixed(0)} /s; latency ${summary(exchanges.latencies)}`,
  );
  const single = await measure(async () => void (await exchangeOnce()), {
    total: 500,
    concurrency: 1,
    maxSeconds: 20,
  });
  console.log(
    `one client: ${(single.latencies.length / single.seconds).toFixed(0)} /s; latency ${summary(single.latencies)}`,
  );

  console.log('== delegation-token verification on a GraphQL request ({ viewer { kind intent } }, 1 client)');
  const fixedViewer = await identity.authenticator.authenticate(`Bearer ${delegationToken}`);
  const unverified = await serveGraphQL({
    db,
    config,
    overrides: {
      identity: (built) => ({ ...built, authenticator: { authenticate: async () => fixedViewer } }),
    },
  });
  const stubUrl = unverified.url;
  const query = JSON.stringify({ query: '{ viewer { kind intent } }' });
  const post = (url: string) => async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${delegationToken}` },
      body: query,
    });
    if (response.status !== 200) throw new Error(await response.text());
    await response.arrayBuffer();
  };
  const on: number[] = [];
  const off: number[] = [];
  // Alternate blocks so that drift (JIT, GC, the machine) hits both sides alike.
  for (let round = 0; round < 10; round += 1) {
    on.push(
      ...(await measure(post(service.graphqlUrl), { total: 500, concurrency: 1, maxSeconds: 10 })).latencies,
    );
    off.push(...(await measure(post(stubUrl), { total: 500, concurrency: 1, maxSeconds: 10 })).latencies);
  }
  await unverified.close();
  console.log(`verification on:  ${summary(on)}`);
  console.log(`verification off: ${summary(off)}`);
  const added = percentile(on, 95) - percentile(off, 95);
  console.log(`added at p95 over HTTP: ${added.toFixed(3)} ms`);

  const header = `Bearer ${delegationToken}`;
  const inProcess = await measure(async () => void (await identity.authenticator.authenticate(header)), {
    total: 20_000,
    concurrency: 1,
    maxSeconds: 20,
  });
  console.log(`verification in process: ${summary(inProcess.latencies)}`);
  const ok = added <= targetAddedMs;
  console.log(
    `target: <= ${targetAddedMs} ms p95 added per request: ${ok ? 'MET' : 'MISSED'} (${added.toFixed(3)} ms)`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  await direct.close();
  await service.stop();
  await idp.close();
  await db.dispose();
}
