import { randomUUID } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/client';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { answerTokens } from '../../src/mcp/budget/fit-to-budget.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { connectMcp, mcpResource } from './support/mcp-client.ts';

// A small budget, so that a list of grants is trimmed well before a page of 50 ends.
const budget = 2_000;
const t = useRequestWorld({ APERTURE_MCP_RESULT_TOKENS: String(budget) });

const clients: Client[] = [];
afterAll(async () => {
  for (const client of clients) await client.close();
});

/** The SDK's client over a real port, as `agent` acting for `email`, with a token bound to /mcp. */
async function agentClient(email: string, agent = 'MCP agent'): Promise<Client> {
  const token = await t.world.agentToken(email, { agent, resource: mcpResource(t.world.service.url) });
  const client = await connectMcp(t.world.service.url, token);
  clients.push(client);
  return client;
}

type ToolResult = Awaited<ReturnType<Client['callTool']>>;

interface RequestView {
  id: string;
  status: string;
  ruleId: string | null;
  decidedBy: string | null;
  reason: string | null;
  waitingFor: { name: string | null; required: number; open: boolean; objects: Record<string, unknown>[] }[];
  grant: { id: string; status: string; expiresAt: string; paths: string[] } | null;
}

const textOf = (result: ToolResult) => (result.content as { type: string; text: string }[])[0]!.text;
const requestOf = (result: ToolResult) => (result.structuredContent as { request: RequestView }).request;

const requestAccess = (client: Client, args: Record<string, unknown>) =>
  client.callTool({
    name: 'request_access',
    arguments: { tier: 'READ', justification: 'Churn analysis for the board', ...args },
  });

const approveAs = async (email: string, requestId: string) =>
  t.world.gql<{ approveAccessRequest: { status: string } }>(
    await t.world.humanToken(email),
    'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
    { input: { requestId } },
  );

describe('a request routed to humans, and waiting for their decision', () => {
  it('says what it waits for (never who), and a waiting call returns the decision as soon as it is made', async () => {
    const client = await agentClient('ana@acme.test', 'MCP waiter');
    const filed = await requestAccess(client, { paths: ['analytics.marts.customers'] });
    expect(filed.isError).toBeFalsy();
    const pending = requestOf(filed);
    expect(pending).toMatchObject({ status: 'PENDING', ruleId: 'customers-to-approvers', grant: null });
    expect(pending.waitingFor).toEqual([
      {
        name: null,
        required: 1,
        satisfied: false,
        open: true,
        objects: [{ path: 'analytics.marts.customers', approvals: 0, waiting: true }],
      },
    ]);
    expect(textOf(filed)).toContain('waiting for approval: analytics.marts.customers (0/1)');
    expect(textOf(filed)).toContain(`call get_access_request with id ${pending.id} and wait_seconds`);
    // An agent is never told who its approvers are.
    expect(JSON.stringify(filed)).not.toMatch(/approver\d\d@|Approver \d/);

    const progress: { progress: number; total?: number | undefined; message?: string | undefined }[] = [];
    const started = Date.now();
    const waiting = client.callTool(
      { name: 'get_access_request', arguments: { id: pending.id, wait_seconds: 30 } },
      { onprogress: (notification) => progress.push(notification) },
    );
    // The first notification says the call is waiting: then a human decides.
    await expect.poll(() => progress.length, { timeout: 5_000 }).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ progress: 0, total: 30, message: 'waiting for a human to decide' });
    const approved = await approveAs('approver03@acme.test', pending.id);
    expect(approved.data?.approveAccessRequest.status).toBe('APPROVED');
    const decidedAt = Date.now();
    const answer = await waiting;
    const answeredIn = Date.now() - decidedAt;
    expect(answeredIn).toBeLessThan(2_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    const decided = requestOf(answer);
    expect(decided).toMatchObject({
      id: pending.id,
      status: 'APPROVED',
      decidedBy: expect.stringMatching(/^person:/),
      waitingFor: [],
      grant: { status: 'ACTIVE', paths: ['analytics.marts.customers'] },
    });
    expect(textOf(answer)).toContain('the grant counts from your next call');
    expect(JSON.stringify(answer)).not.toMatch(/approver03|Approver 3/);

    const grants = await client.callTool({ name: 'list_my_grants', arguments: { statuses: ['ACTIVE'] } });
    expect(
      (grants.structuredContent as { grants: { id: string }[] }).grants.map((grant) => grant.id),
    ).toEqual([decided.grant!.id]);
  });

  it('a wait ends UNAUTHENTICATED within seconds when its token is revoked meanwhile', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'MCP revoked waiter',
      resource: mcpResource(t.world.service.url),
    });
    const client = await connectMcp(t.world.service.url, token);
    clients.push(client);
    const pending = requestOf(await requestAccess(client, { paths: ['analytics.marts.customers'] }));
    const waiting = client.callTool({
      name: 'get_access_request',
      arguments: { id: pending.id, wait_seconds: 40 },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const revoked = await t.world.governance.run(
      'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }',
      { id: decodeJwt(token).jti },
    );
    expect(revoked.errors).toBeUndefined();
    const revokedAt = Date.now();
    const answer = await waiting;
    expect(Date.now() - revokedAt).toBeLessThan(8_000);
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toBe('UNAUTHENTICATED: the delegation token was revoked');
  });

  it('a wait that ends undecided returns the request as it is, with progress every few seconds', async () => {
    const client = await agentClient('ana@acme.test', 'MCP patient');
    const pending = requestOf(await requestAccess(client, { paths: ['analytics.marts.customers'] }));
    const progress: { progress: number; message?: string | undefined }[] = [];
    const started = Date.now();
    const answer = await client.callTool(
      { name: 'get_access_request', arguments: { id: pending.id, wait_seconds: 6 } },
      { onprogress: (notification) => progress.push(notification) },
    );
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(5_900);
    expect(waited).toBeLessThan(9_000);
    expect(requestOf(answer).status).toBe('PENDING');
    expect(answer.structuredContent).toMatchObject({ waitedSeconds: expect.any(Number) });
    expect(textOf(answer)).toMatch(/still pending after waiting 6(\.\d)? s/);
    expect(progress.map((notification) => notification.progress)).toEqual([0, 5]);
    // Without wait_seconds the call answers at once, and sends no progress.
    const quiet: unknown[] = [];
    const now = await client.callTool(
      { name: 'get_access_request', arguments: { id: pending.id } },
      { onprogress: (notification) => quiet.push(notification) },
    );
    expect(requestOf(now).status).toBe('PENDING');
    expect(now.structuredContent).toMatchObject({ waitedSeconds: 0 });
    expect(quiet).toEqual([]);
  });

  it('asking again while it is pending returns the same request', async () => {
    const client = await agentClient('ana@acme.test', 'MCP retrier');
    const first = await requestAccess(client, { paths: ['analytics.marts.customers'] });
    const again = await requestAccess(client, { paths: ['analytics.marts.customers'] });
    expect(again.structuredContent).toMatchObject({ duplicate: true, request: { id: requestOf(first).id } });
    expect(first.structuredContent).toMatchObject({ duplicate: false });
    expect(textOf(again)).toContain('an identical request was already pending');
  });
});

describe('requests decided by rules at once', () => {
  it('auto-approved: the grant, its default duration of one hour, the rule', async () => {
    const client = await agentClient('ana@acme.test', 'MCP quick');
    const filed = await requestAccess(client, { paths: ['analytics.marts.fct_orders'] });
    const request = requestOf(filed);
    expect(request).toMatchObject({
      status: 'APPROVED',
      ruleId: 'analysts-internal',
      decidedBy: 'rule:analysts-internal',
      waitingFor: [],
      grant: { status: 'ACTIVE', paths: ['analytics.marts.fct_orders'] },
    });
    expect(filed.structuredContent).toMatchObject({
      request: { requestedDurationSeconds: 3600, approvedDurationSeconds: 3600 },
    });
    const expiresIn = Date.parse(request.grant!.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);
    expect(textOf(filed)).toContain('approved by rule analysts-internal');
  });

  it('denied: the rule and its reason, no grant', async () => {
    const client = await agentClient('bob@acme.test', 'MCP denied');
    const filed = await requestAccess(client, { paths: ['analytics.marts.customers'], duration: 'PT2H' });
    expect(requestOf(filed)).toMatchObject({
      status: 'DENIED',
      ruleId: 'engineers-no-confidential',
      reason: 'Confidential data is not for engineering',
      grant: null,
    });
    expect(textOf(filed)).toContain(
      'denied by rule:engineers-no-confidential: Confidential data is not for engineering',
    );
  });

  it('bad input is INVALID_INPUT naming the fields, and nothing is stored', async () => {
    const client = await agentClient('ana@acme.test', 'MCP sloppy');
    const before = await t.db.prisma.accessRequest.count();
    const bad = await requestAccess(client, { paths: [], justification: 'no', duration: 'soon' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^INVALID_INPUT: /);
    for (const field of ['paths', 'justification', 'duration']) expect(textOf(bad)).toContain(field);
    expect(await t.db.prisma.accessRequest.count()).toBe(before);
  });
});

describe('hidden means absent', () => {
  it('a path the agent cannot discover answers exactly like one that does not exist', async () => {
    const client = await agentClient('ana@acme.test', 'MCP prober');
    const hidden = await requestAccess(client, { paths: ['analytics.snapshots.customers_snapshot'] });
    const missing = await requestAccess(client, { paths: ['analytics.snapshots.no_such_thing'] });
    expect(hidden.isError).toBe(true);
    expect(textOf(hidden)).toBe('NOT_FOUND: no object has the path analytics.snapshots.customers_snapshot');
    expect(JSON.stringify(hidden).replaceAll('customers_snapshot', 'X')).toBe(
      JSON.stringify(missing).replaceAll('no_such_thing', 'X'),
    );
  });

  it("another chain's request answers exactly like a random id, waiting or not", async () => {
    const owner = await agentClient('ana@acme.test', 'MCP owner');
    const theirs = requestOf(await requestAccess(owner, { paths: ['analytics.marts.customers'] })).id;
    const stranger = await agentClient('ana@acme.test', 'MCP stranger');
    const invented = randomUUID();
    for (const wait of [{}, { wait_seconds: 20 }]) {
      const started = Date.now();
      const foreign = await stranger.callTool({
        name: 'get_access_request',
        arguments: { id: theirs, ...wait },
      });
      const random = await stranger.callTool({
        name: 'get_access_request',
        arguments: { id: invented, ...wait },
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(foreign.isError).toBe(true);
      expect(textOf(foreign)).toBe(`NOT_FOUND: no access request has the id ${theirs}`);
      expect(JSON.stringify(foreign).replaceAll(theirs, 'ID')).toBe(
        JSON.stringify(random).replaceAll(invented, 'ID'),
      );
    }
    // Not a uuid at all: the same answer again.
    const junk = await stranger.callTool({ name: 'get_access_request', arguments: { id: 'nope' } });
    expect(textOf(junk)).toBe('NOT_FOUND: no access request has the id nope');
  });
});

describe('an agent never decides', () => {
  it('lists no tool to approve or deny, and calling one fails as an unknown tool', async () => {
    const client = await agentClient('ana@acme.test', 'MCP sneaky');
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['request_access', 'get_access_request', 'list_my_grants']));
    expect(names.filter((name) => /approve|deny|decide|revoke|cancel/i.test(name))).toEqual([]);
    const owner = requestOf(await requestAccess(client, { paths: ['analytics.marts.customers'] }));
    const attempt = client.callTool({ name: 'approve_access_request', arguments: { requestId: owner.id } });
    await expect(attempt).rejects.toThrow(/approve_access_request/);
    await expect(attempt).rejects.toMatchObject({ code: -32602 });
    expect(await t.db.prisma.accessRequest.findUnique({ where: { id: owner.id } })).toMatchObject({
      status: 'PENDING',
    });
  });

  it('the annotations say what each tool does', async () => {
    const client = await agentClient('ana@acme.test', 'MCP reader');
    const { tools } = await client.listTools();
    const annotations = Object.fromEntries(
      tools
        .filter((tool) => ['request_access', 'get_access_request', 'list_my_grants'].includes(tool.name))
        .map((tool) => [tool.name, tool.annotations]),
    );
    expect(annotations).toEqual({
      request_access: {
        readOnlyHint: false,
        idempotentHint: false,
        destructiveHint: false,
        openWorldHint: false,
      },
      get_access_request: {
        readOnlyHint: true,
        idempotentHint: true,
        destructiveHint: false,
        openWorldHint: false,
      },
      list_my_grants: {
        readOnlyHint: true,
        idempotentHint: true,
        destructiveHint: false,
        openWorldHint: false,
      },
    });
  });
});

describe('list_my_grants', () => {
  it('pages by key within the budget, newest first, every grant once; cursors are the caller’s own', async () => {
    const client = await agentClient('ana@acme.test', 'MCP collector');
    const first = requestOf(await requestAccess(client, { paths: ['analytics.marts.fct_orders'] }));
    // 59 more grants of the same chain (ended ones), each a minute older than the last.
    await t.db.prisma.$executeRawUnsafe(
      `WITH copies AS (
         SELECT gen_random_uuid() AS request_id, gen_random_uuid() AS grant_id, n FROM generate_series(1, 59) n
       ), requests AS (
         INSERT INTO "AccessRequest"
         SELECT (jsonb_populate_record(NULL::"AccessRequest", to_jsonb(r) || jsonb_build_object(
           'id', c.request_id, 'createdAt', r."createdAt" - make_interval(mins => c.n), 'pendingKey', NULL))).*
         FROM "AccessRequest" r, copies c WHERE r.id = $1::uuid
         RETURNING id
       )
       INSERT INTO "Grant"
       SELECT (jsonb_populate_record(NULL::"Grant", to_jsonb(g) || jsonb_build_object(
         'id', c.grant_id, 'requestId', c.request_id, 'createdAt', g."createdAt" - make_interval(mins => c.n),
         'status', 'EXPIRED', 'expiresAt', now() - interval '1 minute', 'endedAt', now() - interval '1 minute'))).*
       FROM "Grant" g, copies c WHERE g."requestId" = $1::uuid`,
      first.id,
    );
    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await client.callTool({ name: 'list_my_grants', arguments: cursor ? { cursor } : {} });
      expect(answer.isError).toBeFalsy();
      const page = answer.structuredContent as {
        grants: { id: string; createdAt: string }[];
        total: number;
        nextCursor: string | null;
      };
      expect(answerTokens({ structured: page, text: textOf(answer) })).toBeLessThanOrEqual(budget);
      expect(page.total).toBe(60);
      expect(page.grants.length).toBeGreaterThan(0);
      if (page.nextCursor) {
        expect(textOf(answer)).toContain(`more: call list_my_grants with cursor ${page.nextCursor}`);
      }
      seen.push(...page.grants);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen.map((grant) => grant.id)).size).toBe(60);
    expect(seen[0]!.id).toBe(first.grant!.id);
    const times = seen.map((grant) => Date.parse(grant.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const active = await client.callTool({ name: 'list_my_grants', arguments: { statuses: ['ACTIVE'] } });
    expect(active.structuredContent).toMatchObject({
      total: 1,
      nextCursor: null,
      grants: [{ id: first.grant!.id }],
    });

    // A cursor is bound to its call and its caller.
    const firstPage = await client.callTool({ name: 'list_my_grants', arguments: {} });
    const next = (firstPage.structuredContent as { nextCursor: string }).nextCursor;
    const otherArgs = await client.callTool({
      name: 'list_my_grants',
      arguments: { statuses: ['EXPIRED'], cursor: next },
    });
    const stranger = await agentClient('ana@acme.test', 'MCP cursor thief');
    const stolen = await stranger.callTool({ name: 'list_my_grants', arguments: { cursor: next } });
    for (const refused of [otherArgs, stolen]) {
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^INVALID_INPUT: the cursor does not belong to this call/);
    }
    // Another chain has none of them.
    expect(
      (await stranger.callTool({ name: 'list_my_grants', arguments: {} })).structuredContent,
    ).toMatchObject({
      total: 0,
      grants: [],
      nextCursor: null,
    });
  });
});
