import type { Client } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../src/policy/policy-schema.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';

/**
 * Channels as a policy attribute, end to end: the same human, agent and intent see the confidential
 * customers mart over GraphQL, see only that it exists over MCP from the finance app, and not at
 * all over MCP from any other client, where it answers exactly like a path that does not exist.
 */
const t = useRequestWorld();

const customers = 'analytics.marts.customers';
/** Same length, no such object. */
const nowhere = 'analytics.marts.customerz';

const policies: PolicyInput[] = [
  {
    id: 'discover-internal',
    description: 'Everyone may know what internal and public data exists',
    effect: 'allow',
    tier: 'DISCOVER',
    resources: { sensitivities: ['PUBLIC', 'INTERNAL'] },
  },
  {
    id: 'confidential-over-graphql',
    description: 'Confidential data only over GraphQL',
    effect: 'allow',
    tier: 'READ',
    resources: { sensitivities: ['CONFIDENTIAL'] },
    channels: ['graphql'],
  },
  {
    id: 'finance-app-discovers-confidential',
    description: 'The finance app may know what confidential data exists',
    effect: 'allow',
    tier: 'DISCOVER',
    resources: { sensitivities: ['CONFIDENTIAL'] },
    channels: ['mcp'],
    clients: ['finance-app'],
  },
];

async function applyPolicies() {
  const applied = await t.world.governance.run(
    'mutation ($policies: JSON!) { applyPolicies(policies: $policies) { version } }',
    { policies },
  );
  expect(applied.errors).toBeUndefined();
}

/** The SDK's client in the 2026-07-28 era, whose every call names the client (clientInfo). */
async function mcpClient(clientName: string): Promise<Client> {
  const token = await t.world.agentToken('ana@acme.test', { resource: mcpResource(t.world.service.url) });
  return connectMcp(t.world.service.url, token, { clientInfo: { name: clientName, version: '2.0.0' } });
}

async function describeOver(client: Client, path: string) {
  return client.callTool({ name: 'describe_object', arguments: { path } });
}

describe('a policy that names channels and clients', () => {
  it('shows an object over GraphQL and hides it over MCP exactly like a path that does not exist', async () => {
    await applyPolicies();
    const token = await t.world.agentToken('ana@acme.test');
    const overGraphql = await t.world.gql<{ dataset: { path: string; tier: string } | null }>(
      token,
      'query ($path: String!) { dataset(path: $path) { path tier } }',
      { path: customers },
    );
    expect(overGraphql.data?.dataset).toEqual({ path: customers, tier: 'READ' });

    const desktop = await mcpClient('claude-desktop');
    try {
      const hidden = await describeOver(desktop, customers);
      const absent = await describeOver(desktop, nowhere);
      expect(hidden.isError).toBe(true);
      expect(JSON.stringify(hidden).replaceAll(customers, nowhere)).toBe(JSON.stringify(absent));
      const found = await desktop.callTool({ name: 'search_catalog', arguments: { query: 'customers' } });
      expect(JSON.stringify(found)).not.toContain(customers);
    } finally {
      await desktop.close();
    }

    const financeApp = await mcpClient('finance-app');
    try {
      const discovered = await describeOver(financeApp, customers);
      expect(discovered.isError).toBeFalsy();
      expect(discovered.structuredContent).toMatchObject({
        kind: 'dataset',
        dataset: { path: customers, tier: 'DISCOVER', columns: [] },
      });
    } finally {
      await financeApp.close();
    }
  });

  it('is simulated per channel and client for governance', async () => {
    await applyPolicies();
    const { clientId } = await t.world.agentCredentials('SQL agent');
    const tierOver = async (variables: Record<string, unknown>) => {
      const simulated = await t.world.governance.run(
        `query ($agent: String!, $channel: Channel, $client: String) {
          simulateAccess(humanEmail: "ana@acme.test", agentClientIds: [$agent], intent: "analytics", channel: $channel, client: $client) { path tier }
        }`,
        { agent: clientId, ...variables },
      );
      expect(simulated.errors).toBeUndefined();
      const rows = (simulated.data as { simulateAccess: { path: string; tier: string }[] }).simulateAccess;
      return rows.find((row) => row.path === customers)?.tier ?? 'HIDDEN';
    };
    expect(await tierOver({ channel: 'GRAPHQL' })).toBe('READ');
    expect(await tierOver({ channel: 'MCP', client: 'finance-app' })).toBe('DISCOVER');
    expect(await tierOver({ channel: 'MCP', client: 'claude-desktop' })).toBe('HIDDEN');
    expect(await tierOver({})).toBe('HIDDEN');
  });

  it('records the channel and the client in the audit events of each door', async () => {
    await applyPolicies();
    const before = await t.db.prisma.auditEvent.aggregate({ _max: { id: true } });
    const financeApp = await mcpClient('finance-app');
    try {
      expect((await describeOver(financeApp, customers)).isError).toBeFalsy();
    } finally {
      await financeApp.close();
    }
    const token = await t.world.agentToken('ana@acme.test');
    await t.world.gql(token, 'query Customers($path: String!) { dataset(path: $path) { path } }', {
      path: customers,
    });
    // Reads are audited in batches, a few milliseconds after the answer.
    await expect
      .poll(async () => {
        const events = await t.db.prisma.auditEvent.findMany({
          where: {
            type: 'slice.queried',
            id: { gt: before._max.id ?? 0n },
            OR: [
              { subjectKind: 'mcp-tool', subjectId: 'describe_object' },
              { subjectKind: 'graphql-operation', subjectId: 'Customers' },
            ],
          },
          orderBy: { id: 'asc' },
        });
        return events.map((event) => [event.subjectId, (event.payload as { via?: unknown }).via]);
      })
      .toEqual([
        ['describe_object', { name: 'mcp', client: 'finance-app' }],
        ['Customers', { name: 'graphql', client: null }],
      ]);
  });
});
