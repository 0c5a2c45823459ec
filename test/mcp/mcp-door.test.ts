import type { Client } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';

/**
 * The MCP door as any client meets it: both protocol eras (2026-07-28 per-request envelopes and
 * 2025 stateless), the tool list, and errors in our words.
 */
const test = useRequestWorld();

const modernClient = (serviceUrl: string, token: string): Promise<Client> =>
  connectMcp(serviceUrl, token, { clientInfo: { name: 'finance-app', version: '2.0.0' } });

describe('the MCP door', () => {
  it('serves 2026-07-28 clients and 2025 clients alike, statelessly', async () => {
    const { world } = test;
    const token = await world.agentToken('mark@acme.test', { resource: mcpResource(world.service.url) });
    for (const client of [
      await modernClient(world.service.url, token),
      await connectMcp(world.service.url, token, { era: 'legacy' }),
    ]) {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({
        human: { email: 'mark@acme.test', name: 'Mark' },
        agentChain: [{ name: 'SQL agent' }],
        intent: 'analytics',
        taskId: null,
      });
      expect((result.content as { text: string }[])[0]!.text).toMatch(
        /^Acting for Mark <mark@acme.test> through agt_/,
      );
      await client.close();
    }
  });

  it('lists tools with schemas and truthful hints, and no tool that decides a request', async () => {
    const { world } = test;
    const token = await world.agentToken('mark@acme.test', { resource: mcpResource(world.service.url) });
    const client = await modernClient(world.service.url, token);
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toContain('whoami');
    expect(names.filter((name) => /approve|deny|decide|revoke/.test(name))).toEqual([]);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(20);
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      const hints = tool.annotations ?? {};
      for (const hint of ['readOnlyHint', 'idempotentHint', 'destructiveHint', 'openWorldHint'] as const) {
        expect(typeof hints[hint], `${tool.name} ${hint}`).toBe('boolean');
      }
      expect(hints.destructiveHint, tool.name).toBe(false);
      expect(hints.openWorldHint, tool.name).toBe(false);
    }
    await client.close();
  });

  it('marks the tool list private: it varies per caller and must not be shared by caches', async () => {
    const { world } = test;
    const token = await world.agentToken('mark@acme.test', { resource: mcpResource(world.service.url) });
    const client = await modernClient(world.service.url, token);
    const listed = (await client.listTools()) as { cacheScope?: string; ttlMs?: number };
    expect(listed.cacheScope).toBe('private');
    await client.close();
  });

  it('answers bad arguments and unknown tools in its own words, naming the field', async () => {
    const { world } = test;
    const token = await world.agentToken('mark@acme.test', { resource: mcpResource(world.service.url) });
    const client = await modernClient(world.service.url, token);
    const bad = await client.callTool({ name: 'whoami', arguments: { as: 'gina@acme.test' } });
    expect(bad.isError).toBe(true);
    const text = (bad.content as { text: string }[])[0]!.text;
    expect(text).toMatch(/^INVALID_INPUT: whoami arguments: invalid input/);
    expect(text).not.toMatch(/Input validation error|zod|ZodError/);
    expect(bad.structuredContent).toMatchObject({ error: { code: 'INVALID_INPUT' } });

    const unknown = await client.callTool({ name: 'approve_access_request', arguments: { id: 'x' } }).then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: null, error }),
    );
    const said = JSON.stringify(unknown.result ?? String(unknown.error));
    expect(said).toMatch(/approve_access_request/);
    expect(said).not.toMatch(/at \w+ \(|node_modules/);
    await client.close();
  });
});
