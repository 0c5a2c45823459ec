import type { Client } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';
import { callTool } from './support/tool-call.ts';

/**
 * An agent's whole session over MCP, as a text-to-SQL agent works: who it acts for, what it may
 * find, what it may read, asking for more, waiting for a person, and reading it once granted.
 */
const t = useRequestWorld();
const clients: Client[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
});

const customers = 'analytics.marts.customers';
const orders = 'analytics.marts.fct_orders';

interface Table {
  path: string;
  tier: string;
  requestable: boolean;
  columns: { name: string }[];
}

describe('an agent session over MCP', () => {
  it('whoami, search, describe, ask, wait for the approver, and read what was granted', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'Session agent',
      resource: mcpResource(t.world.service.url),
    });
    const client = await connectMcp(t.world.service.url, token, {
      clientInfo: { name: 'session-test', version: '1.0.0' },
    });
    clients.push(client);

    const me = await callTool(client, 'whoami', {});
    expect(me.structured).toMatchObject({ human: { email: 'ana@acme.test' }, intent: 'analytics' });

    const found = await callTool<{ results: { path: string; tier: string; requestable: boolean }[] }>(
      client,
      'search_catalog',
      { query: 'customers', kinds: ['dataset'] },
    );
    expect(found.structured.results).toContainEqual(
      expect.objectContaining({ path: customers, tier: 'DISCOVER', requestable: true }),
    );

    const before = await callTool<{ dataset: Table }>(client, 'describe_object', { path: customers });
    expect(before.structured.dataset).toMatchObject({ tier: 'DISCOVER', requestable: true, columns: [] });
    expect(before.text).toContain('ask for READ with request_access');

    const filed = await callTool<{ request: { id: string; status: string } }>(client, 'request_access', {
      paths: [customers],
      tier: 'READ',
      justification: 'Churn analysis for the board',
      duration: 'PT2H',
    });
    expect(filed.structured.request.status).toBe('PENDING');
    const { id } = filed.structured.request;

    const waiting = callTool<{ request: { status: string; grant: { paths: string[] } | null } }>(
      client,
      'get_access_request',
      { id, wait_seconds: 30 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const approved = await t.world.gql<{ approveAccessRequest: { status: string } }>(
      await t.world.humanToken('approver07@acme.test'),
      'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
      { input: { requestId: id } },
    );
    expect(approved.errors).toBeUndefined();
    const decided = await waiting;
    expect(decided.structured.request).toMatchObject({ status: 'APPROVED', grant: { paths: [customers] } });

    // The grant counts from the next call: the same questions now answer at READ.
    const after = await callTool<{ dataset: Table }>(client, 'describe_object', { path: customers });
    expect(after.structured.dataset.tier).toBe('READ');
    expect(after.structured.dataset.columns.map((column) => column.name)).toContain('customer_id');
    const context = await callTool<{ tables: Table[]; joins: unknown[] }>(client, 'get_sql_context', {
      paths: [customers, orders],
    });
    const tables = new Map(context.structured.tables.map((table) => [table.path, table]));
    expect(tables.get(customers)).toMatchObject({ tier: 'READ' });
    expect(tables.get(customers)!.columns.length).toBeGreaterThan(0);
    expect(tables.get(orders)).toMatchObject({ tier: 'DISCOVER', requestable: true, columns: [] });

    const grants = await callTool<{ grants: { paths: string[]; status: string }[] }>(
      client,
      'list_my_grants',
      {},
    );
    expect(grants.structured.grants).toEqual([
      expect.objectContaining({ paths: [customers], status: 'ACTIVE' }),
    ]);

    // Every answer that handed out catalog objects is in the audit log, with the door it came through.
    await expect
      .poll(async () =>
        (
          await t.db.prisma.auditEvent.findMany({ where: { type: 'slice.queried', subjectKind: 'mcp-tool' } })
        ).map((event) => event.subjectId),
      )
      .toEqual(expect.arrayContaining(['search_catalog', 'describe_object', 'get_sql_context']));
    const audited = await t.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'slice.queried', subjectKind: 'mcp-tool', subjectId: 'get_sql_context' },
    });
    expect(audited.payload).toMatchObject({
      via: { name: 'mcp', client: 'session-test' },
      objects: expect.arrayContaining([expect.any(String)]),
    });
  });
});
