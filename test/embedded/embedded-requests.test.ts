import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/app/start-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { applyMigrations } from '../../src/db/migrations/apply-migrations.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import {
  loadRequestCompany,
  type RequestWorld,
  requestAccessMutation,
  worldAround,
} from '../support/requests-fixture.ts';
import { silentLogger } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';

/** Access requests, decisions, grants and their timers on PGlite, as `npm start` runs them. */
let dataDir: string;
let idp: TestIdentityProvider;
let service: RunningService;
let world: RequestWorld;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-embedded-requests-'));
  const database = await openDatabase({ kind: 'embedded', dataDir });
  try {
    await applyMigrations(database.sql, silentLogger);
    await loadRequestCompany(database);
  } finally {
    await database.close();
  }
  idp = await TestIdentityProvider.create();
  const config = loadConfig({
    APERTURE_DATA_DIR: dataDir,
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    APERTURE_SEED_DEMO: 'false',
    APERTURE_JOB_POLL_MS: '50',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
  });
  service = await startService(config, silentLogger);
  world = await worldAround(service, idp);
});
afterAll(async () => {
  await service?.stop();
  await idp?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const file = async (token: string, paths: string[], duration: string) => {
  const result = await world.gql<{ requestAccess: { request: { id: string; status: string } } }>(
    token,
    requestAccessMutation,
    { input: { paths, tier: 'READ', justification: 'Quarterly revenue question', duration } },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.requestAccess.request;
};

const tierOf = async (token: string, datasetPath: string) =>
  (
    await world.gql<{ dataset: { tier: string } | null }>(
      token,
      'query ($path: String!) { dataset(path: $path) { tier } }',
      {
        path: datasetPath,
      },
    )
  ).data?.dataset?.tier;

describe('access requests on the embedded database', () => {
  it('auto-approves, routes to an approver, and expires grants through its durable jobs', async () => {
    const token = await world.agentToken('ana@acme.test');
    expect((await file(token, ['analytics.staging.stg_orders'], 'PT1S')).status).toBe('APPROVED');
    expect(await tierOf(token, 'analytics.staging.stg_orders')).toBe('READ');

    const routed = await file(token, ['analytics.marts.customers'], 'PT1H');
    expect(routed.status).toBe('PENDING');
    const approved = await world.gql<{ approveAccessRequest: { status: string } }>(
      await world.humanToken('approver07@acme.test'),
      'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
      { input: { requestId: routed.id } },
    );
    expect(approved.data?.approveAccessRequest.status).toBe('APPROVED');
    expect(await tierOf(token, 'analytics.marts.customers')).toBe('READ');

    const grants = async () =>
      (
        await world.gql<{ myGrants: { edges: { node: { paths: string[]; status: string } }[] } }>(
          token,
          '{ myGrants { edges { node { paths status } } } }',
        )
      ).data?.myGrants.edges.map((edge) => edge.node) ?? [];
    await expect
      .poll(
        async () =>
          (await grants()).find((grant) => grant.paths.includes('analytics.staging.stg_orders'))?.status,
        {
          timeout: 5_000,
        },
      )
      .toBe('EXPIRED');
    expect(await tierOf(token, 'analytics.staging.stg_orders')).toBe('DISCOVER');
  });
});
