import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app/create-services.ts';
import { loadConfig } from '../../src/config/config.ts';
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

beforeAll(async () => {
  const config = loadConfig({ DATABASE_URL: t.db.url, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  services = await createServices(config, silentLogger, { database: t.db });
  door = mcpHttpDoor(services, config.mcp, null);
});
afterAll(async () => {
  await services?.close();
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
});
