import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/open-database.ts';
import type { IdentityModule } from '../../src/identity/identity-module.ts';
import { mcpHttpDoor } from '../../src/mcp/mcp-http-door.ts';
import type { McpModules } from '../../src/mcp/mcp-modules.ts';
import { silentLogger } from '../support/test-database.ts';

/**
 * The MCP door when the database cannot check a bearer token: 503 with `Retry-After`, a JSON-RPC
 * error whose data says UNAVAILABLE and retryable, before the SDK sees the request. The failure
 * is the one Prisma really throws for a server nobody listens on.
 */

let nowhere: Database;

beforeAll(async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  nowhere = await openDatabase({
    kind: 'postgres',
    url: `postgresql://postgres@127.0.0.1:${port}/nowhere`,
    poolSize: 1,
  });
});

afterAll(() => nowhere?.close().catch(() => {}));

describe('the MCP door while the database is unavailable', () => {
  it('answers 503 with Retry-After and a retryable UNAVAILABLE JSON-RPC error', async () => {
    const identity = {
      authenticator: { authenticate: () => nowhere.prisma.person.count() },
    } as unknown as IdentityModule;
    const modules = { identity, logger: silentLogger } as unknown as McpModules;
    const door = mcpHttpDoor(modules, { resultTokens: 10_000 }, 'http://aperture.test');
    const response = await door.fetch(
      new Request('http://aperture.test/mcp', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: 'Bearer some-token',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32603,
        message: 'The database is unavailable; retry shortly',
        data: { code: 'UNAVAILABLE', retryable: true },
      },
    });
  });
});
