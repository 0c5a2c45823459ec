import { Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { useRequestWorld } from '../support/requests-fixture.ts';
import { checkoutCli, runCli } from '../support/spawn-cli.ts';
import { mcpResource } from './support/mcp-client.ts';

// `aperture mcp` as a local client starts it: a child process on the database the running test
// service also uses, so that what the service changes (revocations, suspensions) counts there.
const t = useRequestWorld();

interface StdioSession {
  client: Client;
  stderr: () => string;
  pid: number;
}

const sessions: StdioSession[] = [];
afterAll(async () => {
  for (const session of sessions) await session.client.close();
});

function baseEnv(): Record<string, string> {
  return {
    ...getDefaultEnvironment(),
    DATABASE_URL: t.db.url,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    APERTURE_SEED_DEMO: 'false',
    APERTURE_IDENTITY_PROVIDERS: JSON.stringify([
      {
        issuer: t.idp.issuer,
        audience: t.idp.exchangeAudience,
        apiAudience: t.idp.audience,
        jwksUri: t.idp.jwksUrl,
        algorithms: ['ES256'],
        claim: 'email',
        jwksCooldownSeconds: 0,
      },
    ]),
  };
}

/** Spawns `node bin/aperture.mjs mcp` with the SDK's own stdio transport and connects to it. */
async function startStdio(env: Record<string, string>): Promise<StdioSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [checkoutCli, 'mcp'],
    env: { ...baseEnv(), ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: 'aperture-stdio-tests', version: '1.0.0' });
  await client.connect(transport);
  const session = { client, stderr: () => stderr, pid: transport.pid! };
  sessions.push(session);
  return session;
}

type ToolResult = Awaited<ReturnType<Client['callTool']>>;
const textOf = (result: ToolResult) => (result.content as { type: string; text: string }[])[0]!.text;
const whoami = (client: Client) => client.callTool({ name: 'whoami', arguments: {} });

const revoke = (token: string) =>
  t.world.governance.run('mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', {
    id: decodeJwt(token).jti,
  });

const exited = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

describe('aperture mcp with a delegation token (APERTURE_TOKEN)', () => {
  it('serves the tools over stdio; a revoked token is refused on the next call; stdin closed ends it', async () => {
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Stdio agent' });
    const { client, stderr, pid } = await startStdio({ APERTURE_TOKEN: token });

    const me = await whoami(client);
    expect(me.isError).toBeFalsy();
    expect(me.structuredContent).toMatchObject({
      human: { email: 'ana@acme.test' },
      agentChain: [{ name: 'Stdio agent' }],
      intent: 'analytics',
    });
    const found = await client.callTool({ name: 'search_catalog', arguments: { query: 'orders' } });
    expect(found.isError).toBeFalsy();
    expect(JSON.stringify(found.structuredContent)).toContain('analytics.marts.fct_orders');

    // Revoked in the service (another process): the change feed brings it here before the next call.
    expect((await revoke(token)).errors).toBeUndefined();
    await expect
      .poll(async () => textOf(await whoami(client)), { timeout: 5_000 })
      .toBe('UNAUTHENTICATED: the delegation token was revoked');
    const refused = await client.callTool({ name: 'search_catalog', arguments: { query: 'orders' } });
    expect(refused).toMatchObject({
      isError: true,
      structuredContent: { error: { code: 'UNAUTHENTICATED', message: 'the delegation token was revoked' } },
    });

    // The log went to stderr (stdout carries only the protocol, or the client would have failed).
    expect(stderr()).toContain('mcp tool call refused');
    await client.close();
    await expect.poll(() => exited(pid), { timeout: 10_000 }).toBe(true);
  });

  it('a token for the MCP resource is taken when APERTURE_PUBLIC_URL names it, and only then', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'Stdio agent',
      resource: mcpResource(t.world.service.url),
    });
    const named = await startStdio({ APERTURE_TOKEN: token, APERTURE_PUBLIC_URL: t.world.service.url });
    expect((await whoami(named.client)).isError).toBeFalsy();
    const unnamed = await startStdio({ APERTURE_TOKEN: token });
    const refused = await whoami(unnamed.client);
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^UNAUTHENTICATED: /);
  });
});

describe('aperture mcp exchanging a person’s token', () => {
  it('acts for the person through the agent, and stops at once when the agent is suspended', async () => {
    const agent = await t.world.governance.registerAgent({
      name: 'Stdio exchanger',
      ownerEmail: 'ana@acme.test',
      allowedIntents: ['analytics'],
      ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
    });
    const { client } = await startStdio({
      APERTURE_HUMAN_TOKEN: await t.idp.subjectToken('mark@acme.test'),
      APERTURE_CLIENT_ID: agent.clientId,
      APERTURE_CLIENT_SECRET: agent.clientSecret,
      APERTURE_INTENT: 'analytics',
      APERTURE_TASK_ID: 'close-2026-q4',
    });
    expect((await whoami(client)).structuredContent).toMatchObject({
      human: { email: 'mark@acme.test' },
      agentChain: [{ clientId: agent.clientId }],
      intent: 'analytics',
      taskId: 'close-2026-q4',
    });
    // A request filed over stdio is the same request: a human sees it in GraphQL.
    const filed = await client.callTool({
      name: 'request_access',
      arguments: { paths: ['analytics.marts.customers'], tier: 'READ', justification: 'Board churn numbers' },
    });
    const id = (filed.structuredContent as { request: { id: string; status: string } }).request.id;
    const seen = await t.world.gql<{ accessRequest: { humanEmail: string; status: string } }>(
      await t.world.humanToken('mark@acme.test'),
      'query ($id: ID!) { accessRequest(id: $id) { humanEmail status } }',
      { id },
    );
    expect(seen.data?.accessRequest).toEqual({ humanEmail: 'mark@acme.test', status: 'PENDING' });

    await t.world.governance.agentMutation('suspendAgent', agent.clientId);
    await expect
      .poll(async () => textOf(await whoami(client)), { timeout: 5_000 })
      .toMatch(/^UNAUTHENTICATED: /);
  });

  it('a refused exchange is a tool error, not a crash', async () => {
    const agent = await t.world.agentCredentials('SQL agent');
    const { client } = await startStdio({
      APERTURE_HUMAN_TOKEN: await t.idp.subjectToken('ana@acme.test'),
      APERTURE_CLIENT_ID: agent.clientId,
      APERTURE_CLIENT_SECRET: 'not-the-secret',
      APERTURE_INTENT: 'analytics',
    });
    const refused = await whoami(client);
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^UNAUTHENTICATED: the token exchange was refused \(invalid_client\)/);
  });
});

describe('aperture mcp with a bad environment', () => {
  it.each([
    [
      {},
      "aperture mcp: set APERTURE_TOKEN (a delegation token) or APERTURE_HUMAN_TOKEN, APERTURE_CLIENT_ID, APERTURE_CLIENT_SECRET, APERTURE_INTENT (to exchange a person's token)",
    ],
    [
      { APERTURE_TOKEN: 'a.b.c', APERTURE_INTENT: 'analytics' },
      'aperture mcp: set either APERTURE_TOKEN or the exchange variables (APERTURE_HUMAN_TOKEN, APERTURE_CLIENT_ID, APERTURE_CLIENT_SECRET, APERTURE_INTENT), not both',
    ],
    [
      { APERTURE_HUMAN_TOKEN: 'a.b.c', APERTURE_CLIENT_ID: 'agent' },
      "aperture mcp: missing APERTURE_CLIENT_SECRET, APERTURE_INTENT (needed with APERTURE_HUMAN_TOKEN, APERTURE_CLIENT_ID to exchange a person's token)",
    ],
    [
      { APERTURE_TOKEN: 'Bearer a.b.c' },
      'aperture mcp: APERTURE_TOKEN is not a token (one JWT, nothing around it)',
    ],
  ])('%j: one line on stderr, nothing on stdout, exit code 2', async (env, line) => {
    const run = await runCli(['mcp'], {
      APERTURE_TOKEN: '',
      APERTURE_HUMAN_TOKEN: '',
      APERTURE_CLIENT_ID: '',
      APERTURE_CLIENT_SECRET: '',
      APERTURE_INTENT: '',
      APERTURE_TASK_ID: '',
      ...env,
    });
    expect(run).toEqual({ exitCode: 2, stdout: '', stderr: `${line}\n` });
  });

  it('an invalid service setting is one line too', async () => {
    const run = await runCli(['mcp'], { APERTURE_TOKEN: 'a.b.c', DATABASE_URL: 'mysql://nope' });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^aperture mcp: invalid configuration: DATABASE_URL: must be a postgresql:\/\/ URL[^\n]*\n$/,
    );
  });
});

describe('aperture mcp with APERTURE_URL: a proxy to a running aperture, no database', () => {
  // Nothing of the database reaches the agent's machine: a DATABASE_URL that leads nowhere.
  const remoteEnv = () => ({
    APERTURE_URL: t.world.service.url,
    DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/nowhere',
  });

  it('forwards the tools to /mcp with a token bound to it; a revoked token is refused there', async () => {
    const token = await t.world.agentToken('ana@acme.test', {
      agent: 'Stdio proxy agent',
      resource: mcpResource(t.world.service.url),
    });
    const { client, stderr } = await startStdio({ ...remoteEnv(), APERTURE_TOKEN: token });
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('get_sql_context');
    const me = await whoami(client);
    expect(me.structuredContent).toMatchObject({
      human: { email: 'ana@acme.test' },
      agentChain: [{ name: 'Stdio proxy agent' }],
    });
    const found = await client.callTool({ name: 'search_catalog', arguments: { query: 'orders' } });
    expect(JSON.stringify(found.structuredContent)).toContain('analytics.marts.fct_orders');

    expect((await revoke(token)).errors).toBeUndefined();
    const refused = await whoami(client);
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^UNAUTHENTICATED: /);
    expect(stderr()).not.toContain(token);
  });

  it('exchanges the person token at the remote token endpoint, for /mcp', async () => {
    const agent = await t.world.agentCredentials('Stdio proxy exchanger');
    const { client } = await startStdio({
      ...remoteEnv(),
      APERTURE_HUMAN_TOKEN: await t.idp.subjectToken('ana@acme.test'),
      APERTURE_CLIENT_ID: agent.clientId,
      APERTURE_CLIENT_SECRET: agent.clientSecret,
      APERTURE_INTENT: 'analytics',
    });
    const me = await whoami(client);
    expect(me.isError).toBeFalsy();
    expect(me.structuredContent).toMatchObject({ agentChain: [{ name: 'Stdio proxy exchanger' }] });
    // The exchange went to the service: it is audited there, for the MCP resource.
    const exchanged = await t.db.prisma.auditEvent.findMany({ where: { type: 'token.exchanged' } });
    expect(exchanged.map((event) => (event.payload as { resource?: string }).resource)).toContain(
      mcpResource(t.world.service.url),
    );
  });
});
