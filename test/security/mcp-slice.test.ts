import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, mcpResource } from '../mcp/support/mcp-client.ts';
import { findLeaks } from './support/slice-leak-detector.ts';
import { type AgentSpec, type Oracle, useSliceWorld } from './support/slice-world.ts';

/**
 * The MCP door from the attacker's side, on the demo company: Ana Ribeiro, a marketing contractor,
 * through two agents of hers. Every tool that takes a path answers a hidden object exactly like a
 * nonexistent one, and nothing any tool answers (structured content or text) names an object she
 * may not discover, however she asks.
 */
const world = useSliceWorld();
const ana = 'ana.ribeiro@acme.example';

const broadAgent: AgentSpec = {
  name: 'Ana MCP assistant',
  ceiling: { maxTier: 'READ', maxSensitivity: 'RESTRICTED' },
  intent: { name: 'mcp-analysis', allowedTiers: ['DISCOVER', 'READ'] },
};
const campaignAgent: AgentSpec = {
  name: 'Ana MCP campaign assistant',
  ceiling: { maxTier: 'READ', maxSensitivity: 'INTERNAL', excludedTags: ['pii'], paths: ['analytics.**'] },
  intent: { name: 'mcp-campaigns', allowedTiers: ['DISCOVER', 'READ'] },
};

const clients: Client[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
});

async function clientFor(agent: AgentSpec): Promise<Client> {
  const token = await world.agentToken(ana, agent, { resource: mcpResource(world.service.url) });
  const client = await connectMcp(world.service.url, token, {
    clientInfo: { name: 'attacker', version: '1.0.0' },
  });
  clients.push(client);
  return client;
}

type Reply = Awaited<ReturnType<Client['callTool']>>;
const call = (client: Client, name: string, args: Record<string, unknown>) =>
  client.callTool({ name, arguments: args });

describe.each([
  ['a broad agent', broadAgent],
  ['a narrow agent', campaignAgent],
])('MCP for Ana through %s', (_who, agent) => {
  let client: Client;
  let oracle: Oracle;
  beforeAll(async () => {
    client = await clientFor(agent);
    oracle = await world.oracle(ana, agent);
  });

  const expectNoLeak = (reply: Reply) => expect(findLeaks(reply, oracle)).toEqual([]);

  /** The same bytes for a hidden and a nonexistent value, once what was typed is masked out. */
  async function expectSameAnswer(
    tool: string,
    args: (typed: string) => Record<string, unknown>,
    hidden: string,
  ) {
    expect(oracle.hidden.has(hidden), `${hidden} is hidden`).toBe(true);
    const absent = `${hidden}_nowhere`;
    const mask = (reply: Reply, typed: string) => JSON.stringify(reply).split(typed).join('<typed>');
    const [forHidden, forAbsent] = await Promise.all([
      call(client, tool, args(hidden)),
      call(client, tool, args(absent)),
    ]);
    expect(mask(forHidden, hidden)).toBe(mask(forAbsent, absent));
    expect(forHidden.isError).toBe(true);
  }

  const hiddenOf = (kind: string) =>
    [...oracle.hidden].filter((path) => oracle.catalog.byPath.get(path)?.kind === kind);

  it('every tool that takes a path answers a hidden dataset, column or metric like a nonexistent one', async () => {
    const hidden = [
      ...hiddenOf('dataset').slice(0, 3),
      ...hiddenOf('column').slice(0, 3),
      ...hiddenOf('metric').slice(0, 2),
    ];
    expect(hidden.length).toBeGreaterThan(3);
    for (const path of hidden) {
      await expectSameAnswer('describe_object', (typed) => ({ path: typed }), path);
      await expectSameAnswer('explain_access', (typed) => ({ path: typed }), path);
      await expectSameAnswer(
        'request_access',
        (typed) => ({ paths: [typed], tier: 'READ', justification: 'Campaign attribution review' }),
        path,
      );
    }
    for (const path of hiddenOf('dataset').slice(0, 3)) {
      await expectSameAnswer('get_sql_context', (typed) => ({ paths: [typed] }), path);
    }
  });

  it('nothing any tool answers about what she may see names what she may not', async () => {
    // The detector reads tool answers: a hidden path in a text is found.
    const hiddenPath = hiddenOf('dataset')[0]!;
    expect(findLeaks({ content: [{ type: 'text', text: `see ${hiddenPath}` }] }, oracle)).not.toEqual([]);
    const visible = [...oracle.visible];
    expect(visible.length).toBeGreaterThan(10);
    let described = 0;
    let found = 0;
    for (const path of visible) {
      const object = oracle.catalog.byPath.get(path) ?? oracle.catalog.byPath.get(`glossary:${path}`);
      if (!object || object.kind === 'column') continue;
      const description = await call(client, 'describe_object', { path });
      expect(description.isError, path).toBeFalsy();
      expectNoLeak(description);
      described += 1;
      expectNoLeak(await call(client, 'explain_access', { path }));
    }
    const datasets = visible.filter((path) => oracle.catalog.byPath.get(path)?.kind === 'dataset');
    for (let start = 0; start < datasets.length; start += 20) {
      expectNoLeak(await call(client, 'get_sql_context', { paths: datasets.slice(start, start + 20) }));
    }
    for (const query of ['customer', 'revenue', 'email', 'salary', 'payment', 'lead', 'a', 'id']) {
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages += 1) {
        const page = await call(client, 'search_catalog', {
          query,
          limit: 50,
          ...(cursor ? { cursor } : {}),
        });
        expectNoLeak(page);
        const content = page.structuredContent as {
          results: unknown[];
          trimmed?: { cursor: string | null }[];
        };
        found += content.results.length;
        const trimmed = content.trimmed ?? [];
        cursor = trimmed.find((entry) => entry.cursor)?.cursor ?? undefined;
        if (!cursor) break;
      }
    }
    expectNoLeak(await call(client, 'list_metrics', {}));
    expect(described).toBeGreaterThan(10);
    expect(found).toBeGreaterThan(20);
  });
});
