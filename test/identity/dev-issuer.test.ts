import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../src/app/start-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import { GovernanceClient } from '../support/governance-client.ts';
import { graphql } from '../support/graphql-client.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import { runCli } from '../support/spawn-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { loadTestPeople, startTestService } from '../support/test-service.ts';

/**
 * The development issuer as a developer meets it: the real `aperture dev-token` command and the
 * real service on PostgreSQL, NODE_ENV unset (development is the default).
 */
let db: TestDatabase;
let dataDir: string;
let otherDataDir: string;
/** Trusts the development issuer (APERTURE_DEV_ISSUER=true). */
let service: RunningService;
/** Another replica on the same database that does not (APERTURE_DEV_ISSUER unset). */
let untrusting: RunningService;

const viewerQuery = '{ viewer { kind human { email } chain { clientId } intent } }';

/** The CLI's environment: `NODE_ENV: ''` unsets the test runner's NODE_ENV=test. */
const cliEnv = (overrides: Record<string, string> = {}) => ({
  NODE_ENV: '',
  DATABASE_URL: db.url,
  APERTURE_DATA_DIR: dataDir,
  APERTURE_DEV_ISSUER: 'true',
  ...overrides,
});

async function devToken(args: string[], overrides: Record<string, string> = {}): Promise<string> {
  const run = await runCli(['dev-token', ...args], cliEnv(overrides));
  if (run.exitCode !== 0) throw new Error(`dev-token failed: ${run.stderr}`);
  return run.stdout.trim();
}

beforeAll(async () => {
  db = await createTestDatabase();
  await loadTestPeople(db);
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-dev-issuer-'));
  otherDataDir = await mkdtemp(path.join(tmpdir(), 'aperture-dev-issuer-other-'));
  const env = { NODE_ENV: '', APERTURE_DATA_DIR: dataDir };
  service = await startTestService(db, { env: { ...env, APERTURE_DEV_ISSUER: 'true' } });
  untrusting = await startTestService(db, { env });
});
afterAll(async () => {
  await untrusting?.stop();
  await service?.stop();
  await db?.dispose();
  await rm(dataDir, { recursive: true, force: true });
  await rm(otherDataDir, { recursive: true, force: true });
});

describe('the development issuer on PostgreSQL, with APERTURE_DEV_ISSUER=true and NODE_ENV unset', () => {
  it('dev-token prints a human token that the server trusts', async () => {
    const token = await devToken(['--user', 'Ana@Acme.test']);
    expect(await graphql(service.graphqlUrl, viewerQuery, {}, token)).toEqual({
      status: 200,
      data: { viewer: { kind: 'HUMAN', human: { email: 'ana@acme.test' }, chain: [], intent: null } },
    });
  });

  it('a --for-agent token on /graphql is told it can only be exchanged, and how; an agent exchanges it', async () => {
    const forAgent = await devToken(['--user', 'ana@acme.test', '--for-agent']);
    expect(await graphql(service.graphqlUrl, viewerQuery, {}, forAgent)).toEqual({
      status: 401,
      errors: [
        {
          message:
            'this token can only be exchanged at /oauth/token: an agent exchanges it, authenticated with its own client credentials, for a delegation token (RFC 8693 token exchange, this token as subject_token) and calls the API with that',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });

    const governance = new GovernanceClient(service.graphqlUrl, await devToken(['--user', 'gina@acme.test']));
    await governance.createIntent({ name: 'analytics', description: 'Questions', allowedTiers: ['READ'] });
    const agent = await governance.registerAgent({
      name: 'Dev assistant',
      ownerEmail: 'bob@acme.test',
      allowedIntents: ['analytics'],
    });
    const exchanged = await exchangeToken(service.url, agent, {
      subject_token: forAgent,
      intent: 'analytics',
    });
    expect(exchanged.status).toBe(200);
    expect(await graphql(service.graphqlUrl, viewerQuery, {}, exchanged.body.access_token)).toEqual({
      status: 200,
      data: {
        viewer: {
          kind: 'AGENT',
          human: { email: 'ana@acme.test' },
          chain: [{ clientId: agent.clientId }],
          intent: 'analytics',
        },
      },
    });

    // The other way round: the human's own token is not one to hand to an agent.
    const ownToken = await devToken(['--user', 'ana@acme.test']);
    const refused = await exchangeToken(service.url, agent, { subject_token: ownToken, intent: 'analytics' });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description:
          "the identity token is meant for the human's own API calls and cannot be exchanged: exchange a token the human issued for agents (aperture dev-token --for-agent)",
      },
    });
  });

  it("a token signed with another data folder's key says which setting to line up", async () => {
    const stray = await devToken(['--user', 'ana@acme.test'], { APERTURE_DATA_DIR: otherDataDir });
    const answer = await graphql(service.graphqlUrl, viewerQuery, {}, stray);
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.message).toBe(
      "the identity token is signed with a development issuer key this server does not have: run aperture dev-token with the server's APERTURE_DATA_DIR (or APERTURE_DEV_ISSUER_KEY_FILE)",
    );
  });

  it('without APERTURE_DEV_ISSUER, the command and the server name the setting that turns it on', async () => {
    const off =
      'the development issuer is off on PostgreSQL: set APERTURE_DEV_ISSUER=true (development only)';
    const cli = await runCli(['dev-token', '--user', 'ana@acme.test'], cliEnv({ APERTURE_DEV_ISSUER: '' }));
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr.trim()).toBe(`error: ${off}`);

    const token = await devToken(['--user', 'ana@acme.test']);
    const answer = await graphql(untrusting.graphqlUrl, viewerQuery, {}, token);
    expect(answer.status).toBe(401);
    expect(answer.errors?.[0]?.message).toBe(
      `the token comes from the development issuer (aperture dev-token), which this server does not trust: ${off}`,
    );
  });
});

describe('where the development issuer is off, the message names the setting', () => {
  it('with NODE_ENV=production, or APERTURE_DEV_ISSUER=false, the command refuses and says why', async () => {
    const production = await runCli(
      ['dev-token', '--user', 'ana@acme.test'],
      cliEnv({ NODE_ENV: 'production', DATABASE_URL: '', APERTURE_DEV_ISSUER: '' }),
    );
    expect(production.exitCode).toBe(1);
    expect(production.stderr.trim()).toBe(
      'error: the development issuer is off with NODE_ENV=production: it only runs in development (NODE_ENV=development, the default)',
    );
    const disabled = await runCli(
      ['dev-token', '--user', 'ana@acme.test'],
      cliEnv({ DATABASE_URL: '', APERTURE_DEV_ISSUER: 'false' }),
    );
    expect(disabled.exitCode).toBe(1);
    expect(disabled.stderr.trim()).toBe(
      'error: the development issuer is off: APERTURE_DEV_ISSUER=false (set it to true, development only)',
    );
  });

  it('is on by default in development on the embedded database, and cannot be forced on in production', () => {
    expect(loadConfig({ APERTURE_DATA_DIR: dataDir }).identity).toMatchObject({
      devIssuerKeyFile: path.join(dataDir, 'dev-issuer-key.json'),
      devIssuerOff: null,
    });
    expect(() => loadConfig({ NODE_ENV: 'production', APERTURE_DEV_ISSUER: 'true' })).toThrow(
      'APERTURE_DEV_ISSUER: the development issuer signs tokens for anyone; it only runs with NODE_ENV=development (the default), not NODE_ENV=production',
    );
  });
});
