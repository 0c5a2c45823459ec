import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/app/start-service.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { ChangeFeed, ChangeListener } from '../../src/db/change-feed.ts';
import { connectMcp, mcpResource } from '../mcp/support/mcp-client.ts';
import { devSignIn } from '../support/console-client.ts';
import { FakeSlack } from '../support/fake-slack.ts';
import { exchangeToken } from '../support/oauth-client.ts';
import {
  loadRequestCompany,
  type RequestWorld,
  requestAccessMutation,
  worldAround,
} from '../support/requests-fixture.ts';
import { signSlackRequest, slashCommandBody } from '../support/slack-signing.ts';
import { startTcpFaultProxy, type TcpFaultProxy } from '../support/tcp-fault-proxy.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { TestIdentityProvider } from '../support/test-identity-provider.ts';

/**
 * The service reaches PostgreSQL through a proxy that the test cuts: while the database is gone,
 * every door answers 503 with `Retry-After` and the code UNAVAILABLE (retryable), never a masked
 * 500; once it is back, the same calls succeed again.
 */

const signingSecret = 'slack-signing-secret-for-tests';
const unavailableMessage = 'The database is unavailable; retry shortly';

interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
}

let db: TestDatabase;
let dataDir: string;
let changes: ChangeFeed;
let feed: LosableFeed;
let proxy: TcpFaultProxy;
let idp: TestIdentityProvider;
let slack: FakeSlack;
let service: RunningService;
let world: RequestWorld;
const logLines: LogLine[] = [];

/** Agents' credentials and tokens, and a console session, all taken while the database is up. */
let agentToken: string;
let mcpToken: string;
let mcpClient: Client;
let agent: { clientId: string; clientSecret: string };
let consoleSignIn: { cookie: string; csrfToken: string };

beforeAll(async () => {
  db = await createTestDatabase();
  await loadRequestCompany(db);
  idp = await TestIdentityProvider.create();
  slack = await FakeSlack.start({ token: 'xoxb-test' });
  const direct = new URL(db.url);
  proxy = await startTcpFaultProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(db.url);
  proxied.port = String(proxy.port);
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'aperture-outage-'));
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as LogLine);
        done();
      },
    }),
  );
  const config = loadConfig({
    DATABASE_URL: proxied.toString(),
    PORT: '0',
    // Development, for the console's development sign-in (on PostgreSQL only when asked for).
    NODE_ENV: 'development',
    APERTURE_DEV_ISSUER: 'true',
    APERTURE_DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    APERTURE_SEED_DEMO: 'false',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify([await idp.serveJwks()]),
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_LOOKUP_BY_EMAIL: 'true',
  });
  // The change feed listens on its own, direct connection: the caches stay warm through the cut,
  // so every call gets past authentication and meets the outage in what it does.
  changes = await db.openChangeFeed(logger);
  feed = new LosableFeed(changes);
  service = await startService(config, logger, { changes: feed });
  world = await worldAround(service, idp);
  agentToken = await world.agentToken('ana@acme.test');
  mcpToken = await world.agentToken('ana@acme.test', { resource: mcpResource(service.url) });
  mcpClient = await connectMcp(service.url, mcpToken);
  agent = await world.agentCredentials('SQL agent');
  consoleSignIn = await devSignIn(service.url, 'gina@acme.test');
}, 120_000);

afterAll(async () => {
  proxy?.heal();
  await mcpClient?.close();
  await service?.stop();
  await changes?.close();
  await proxy?.close();
  await slack?.close();
  await idp?.close();
  await db?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 120_000);

/**
 * The change feed as the service sees it, which the test can lose as a cut LISTEN connection is
 * lost: unreliable, and "everything changed" to every subscriber (caches bypassed, keys reloaded).
 */
class LosableFeed implements ChangeFeed {
  private lost = false;
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly inner: ChangeFeed) {}

  get reliable(): boolean {
    return !this.lost && this.inner.reliable;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    const unsubscribe = this.inner.subscribe(listener);
    return () => {
      this.listeners.delete(listener);
      unsubscribe();
    };
  }

  lose(): void {
    this.lost = true;
    for (const listener of this.listeners) listener(undefined);
  }

  restore(): void {
    this.lost = false;
    for (const listener of this.listeners) listener(undefined);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const fileRequest = () =>
  fetch(service.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
    body: JSON.stringify({
      query: requestAccessMutation,
      variables: {
        input: {
          paths: ['analytics.marts.orders'],
          tier: 'READ',
          justification: 'Revenue by month',
          duration: 'PT1H',
        },
      },
    }),
  });

const exchange = async () => exchangeToken(service.url, agent, await exchangeParams());
const exchangeParams = async () => ({
  subject_token: await idp.subjectToken('ana@acme.test'),
  intent: 'analytics',
});

const consoleSession = () =>
  fetch(`${service.url}/console/api/session`, { headers: { cookie: consoleSignIn.cookie } });

const slashCommand = () => {
  const body = slashCommandBody({ userId: 'U0APPR01', text: 'pending' });
  return fetch(`${service.url}/slack/events`, {
    method: 'POST',
    headers: { ...signSlackRequest(signingSecret, body) },
    body,
  });
};

/** A GraphQL-shaped refusal of a door that has no shape of its own (console, the server's fallback). */
async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(await response.json()).toEqual({
    errors: [{ message: unavailableMessage, extensions: { code: 'UNAVAILABLE', retryable: true } }],
  });
}

describe('while PostgreSQL cannot be reached', () => {
  let linesBefore = 0;
  beforeAll(() => {
    linesBefore = logLines.length;
    proxy.cut();
  });

  it('GraphQL answers 503 with Retry-After and UNAVAILABLE, retryable', async () => {
    const response = await fileRequest();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: unavailableMessage,
        extensions: { code: 'UNAVAILABLE', retryable: true },
      }),
    ]);
  });

  it('GraphQL answers the same when the console session cannot be checked', async () => {
    const response = await fetch(service.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: consoleSignIn.cookie,
        'x-aperture-csrf': consoleSignIn.csrfToken,
      },
      body: JSON.stringify({ query: '{ intents { name } }' }),
    });
    await expectUnavailable(response);
  });

  it('MCP answers a tool call with a retryable UNAVAILABLE tool error', async () => {
    const result = await mcpClient.callTool({
      name: 'search_catalog',
      arguments: { query: 'orders' },
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toEqual({
      error: { code: 'UNAVAILABLE', message: unavailableMessage, retryable: true },
    });
  });

  it('the token endpoint answers 503 temporarily_unavailable with Retry-After', async () => {
    const answer = await exchange();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body).toEqual({ error: 'temporarily_unavailable', error_description: unavailableMessage });
  });

  it('the console API answers 503 with Retry-After and UNAVAILABLE', async () => {
    await expectUnavailable(await consoleSession());
  });

  it('the Slack receiver answers 503 with Retry-After, so Slack retries', async () => {
    const response = await slashCommand();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('logs each refusal as one calm warning, and no door logs an error', () => {
    const lines = logLines.slice(linesBefore);
    const doorErrors = lines.filter((line) => line.level >= 50 && doorFailures.has(line.msg));
    expect(doorErrors).toEqual([]);
    const warnings = lines.filter((line) => line.msg === 'database unavailable');
    // One for each call above: GraphQL twice, MCP, the token endpoint, the console, Slack.
    expect(warnings).toHaveLength(6);
    for (const warning of warnings) {
      expect(warning.level).toBe(40);
      expect(warning.err).toBeUndefined();
    }
  });
});

/** What each door logs for an unexpected failure: none of them may say so for an outage. */
const doorFailures = new Set([
  'unhandled error in HTTP handler',
  'unexpected error in a GraphQL operation',
  'error in the GraphQL server',
  'mcp tool call failed',
  'mcp request failed',
  'token exchange failed unexpectedly',
  'a Slack listener failed',
]);

describe('while PostgreSQL cannot be reached and the change feed is lost too', () => {
  beforeAll(() => feed.lose());

  it('the doors that need no delegation token still answer 503 UNAVAILABLE', async () => {
    await expectUnavailable(await consoleSession());
    expect((await exchange()).status).toBe(503);
    expect((await slashCommand()).status).toBe(503);
  });

  // The feed's loss makes the signing keys reload; a reload the database fails is an outage, not
  // a bad token.
  it('a delegation token meets 503 UNAVAILABLE at GraphQL', async () => {
    const response = await fileRequest();
    expect(response.status).toBe(503);
  });

  it('a delegation token meets 503 UNAVAILABLE at MCP, as a JSON-RPC error', async () => {
    const response = await fetch(`${service.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${mcpToken}`,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32603,
        message: unavailableMessage,
        data: { code: 'UNAVAILABLE', retryable: true },
      },
    });
  });
});

describe('once PostgreSQL is back', () => {
  beforeAll(() => {
    proxy.heal();
    feed.restore();
  });

  it('every door serves again', async () => {
    await expect.poll(async () => (await fileRequest()).status, { timeout: 15_000 }).toBe(200);
    const result = await mcpClient.callTool({ name: 'search_catalog', arguments: { query: 'orders' } });
    expect(result.isError).toBeFalsy();
    expect((await exchange()).status).toBe(200);
    expect((await consoleSession()).status).toBe(200);
    const bySession = await fetch(service.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: consoleSignIn.cookie,
        'x-aperture-csrf': consoleSignIn.csrfToken,
      },
      body: JSON.stringify({ query: '{ intents { name } }' }),
    });
    expect(bySession.status).toBe(200);
    expect((await slashCommand()).status).toBe(200);
  });
});
