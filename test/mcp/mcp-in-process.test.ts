import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/create-services.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { ChangeFeed } from '../../src/db/change-feed.ts';
import { type McpHttpDoor, mcpHttpDoor } from '../../src/mcp/mcp-http-door.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { silentLogger } from '../support/test-database.ts';
import { mcpResource } from './support/mcp-client.ts';

/**
 * The SDK's own client against the MCP door in process: its web `fetch` face, called directly, no
 * port. The door is built by the composition root on the same database as the running service
 * whose token endpoint issued the token.
 */
const t = useRequestWorld();
let services: Services;
let door: McpHttpDoor;
let feed: ChangeFeed;
/** Listeners of the change feed the in-process door's modules hold now. */
let listening = 0;

beforeAll(async () => {
  const config = loadConfig({ DATABASE_URL: t.db.url, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  feed = await t.db.openChangeFeed(silentLogger);
  const counted: ChangeFeed = {
    get reliable() {
      return feed.reliable;
    },
    subscribe(listener) {
      listening += 1;
      const unsubscribe = feed.subscribe(listener);
      let subscribed = true;
      return () => {
        if (subscribed) listening -= 1;
        subscribed = false;
        unsubscribe();
      };
    },
    close: () => feed.close(),
  };
  services = await createServices(config, silentLogger, { database: t.db, changes: counted });
  door = mcpHttpDoor(services, config.mcp, null);
});
afterAll(async () => {
  await services?.close();
  await feed?.close();
});

/** A client whose requests go to `door.fetch` (the URL names the service, the network is not used). */
async function inProcessClient(token: string | null): Promise<Client> {
  const client = new Client(
    { name: 'in-process', version: '1.0.0' },
    { versionNegotiation: { mode: 'auto' } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpResource(t.world.service.url)), {
      fetch: (url, init) => {
        const headers = new Headers(init?.headers);
        if (token) headers.set('authorization', `Bearer ${token}`);
        return door.fetch(new Request(url, { ...init, headers }));
      },
    }),
  );
  return client;
}

describe('the MCP door in process', () => {
  it('serves a session to the SDK client through its fetch face', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'In-process agent',
      resource: mcpResource(t.world.service.url),
    });
    const client = await inProcessClient(token);
    const me = await client.callTool({ name: 'whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({ human: { email: 'ana@acme.test' }, intent: 'analytics' });
    const found = await client.callTool({ name: 'search_catalog', arguments: { query: 'orders' } });
    expect(JSON.stringify(found.structuredContent)).toContain('analytics.marts.fct_orders');
    await client.close();
  });

  it('answers 401 with the challenge, in process too', async () => {
    const answer = await door.fetch(
      new Request(mcpResource(t.world.service.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${t.world.service.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    const apiToken = await t.world.agentToken('ana@acme.test', { agent: 'In-process agent' });
    await expect(inProcessClient(apiToken)).rejects.toThrow(/401|invalid_token/);
  });

  it('a wait that ends undecided lets go of its change listener at once', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'In-process waiter',
      resource: mcpResource(t.world.service.url),
    });
    const client = await inProcessClient(token);
    const filed = await client.callTool({
      name: 'request_access',
      arguments: {
        paths: ['analytics.marts.customers'],
        tier: 'READ',
        justification: 'Churn analysis for the board',
      },
    });
    const { id } = (filed.structuredContent as { request: { id: string } }).request;
    const before = listening;
    const waited = await client.callTool({ name: 'get_access_request', arguments: { id, wait_seconds: 1 } });
    expect((waited.structuredContent as { request: { status: string } }).request.status).toBe('PENDING');
    expect(listening).toBe(before);
    await client.close();
  });
});
