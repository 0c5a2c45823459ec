import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parsePolicySet } from '../../src/policy/store/policy-store.ts';
import { connectMcp } from '../mcp/support/mcp-client.ts';
import { consoleGraphql, devSignIn } from '../support/console-client.ts';
import { graphql } from '../support/graphql-client.ts';
import { type RunningCli, startCli } from '../support/spawn-cli.ts';
import { type ReadmeBlock, sectionBlocks } from './readme-blocks.ts';
import { runShellBlock, type ShellEnv } from './run-shell.ts';

/**
 * The README's quickstart, followed word for word by a new user: `npm start` on a new data
 * folder, the shell blocks in one terminal (exports carry over), every GraphQL operation sent
 * with the token its block names (`# Token: $VAR` or `# Token: <command>`), and the values the
 * reader copies from one answer into the next block. Every answer the README describes is checked.
 */
const readmeOrigin = 'http://127.0.0.1:4000';

let dataDir: string;
let server: RunningCli;
let shellEnv: ShellEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'aperture-quickstart-'));
  const serverEnv = {
    APERTURE_DATA_DIR: dataDir,
    PORT: '0',
    NODE_ENV: 'development',
    DATABASE_URL: '',
    LOG_FORMAT: 'json',
  };
  server = await startCli(serverEnv, 150_000);
  // The reader's second terminal: same folder, same (default) settings as `npm start`.
  shellEnv = { ...(process.env as ShellEnv), ...serverEnv };
  delete shellEnv.LOG_FORMAT;
});

afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe('the README quickstart, word for word', () => {
  it('reaches every result it shows', async () => {
    const origin = new URL(server.graphqlUrl).origin;
    const answers = new Map<string, Answer>();
    const placeholders = new Map<string, () => string>([
      ['<clientId>', () => path$(answers, 'SetUpAnAgent', ['registerAgent', 'agent', 'clientId'])],
      ['<clientSecret>', () => path$(answers, 'SetUpAnAgent', ['registerAgent', 'clientSecret'])],
      ['<request id>', () => path$(answers, 'AskForMarketingLeads', ['requestAccess', 'request', 'id'])],
      ['<sales request id>', () => path$(answers, 'AskForSalesContacts', ['requestAccess', 'request', 'id'])],
    ]);
    const fillIn = (code: string) => {
      let filled = code.replaceAll(readmeOrigin, origin);
      for (const [placeholder, value] of placeholders) {
        if (filled.includes(placeholder)) filled = filled.replaceAll(placeholder, value());
      }
      return filled;
    };

    const blocks = sectionBlocks('Quickstart');
    expect(blocks[0]).toMatchObject({ language: 'sh', code: 'npm install && npm start' });
    expect(blocks.at(-1)).toMatchObject({ language: 'sh', code: 'npm test' });
    for (const block of blocks.slice(1, -1)) {
      if (block.language === 'sh') {
        shellEnv = (await runShellBlock(fillIn(block.code), shellEnv)).env;
      } else {
        expect(block.language).toBe('graphql');
        const token = await tokenFor(block);
        for (const operation of operationNames(block.code)) {
          const answer = await graphql(server.graphqlUrl, fillIn(block.code), {}, token, operation);
          expect(answer.errors, `${operation} (README line ${block.line})`).toBeUndefined();
          answers.set(operation, answer);
        }
      }
    }

    // What the prose says each answer shows.
    const oliver = answers.get('WhatOliverSees')!.data as {
      dataset: {
        tier: string;
        columns: { name: string; access: { masked: boolean; method: string | null } }[];
      };
      contacts: { tier: string; requestable: boolean };
      metrics: { totalCount: number };
    };
    expect(oliver.dataset.tier).toBe('READ');
    expect(oliver.dataset.columns.find((column) => column.name === 'card_last4')?.access).toEqual({
      masked: true,
      method: 'redact',
    });
    expect(oliver.contacts).toMatchObject({ tier: 'DISCOVER', requestable: true });
    expect(oliver.metrics.totalCount).toBeGreaterThan(0);

    expect(answers.get('AskForSalesContacts')!.data).toMatchObject({
      requestAccess: {
        request: {
          status: 'PENDING',
          ruleId: 'finance-analysts-sales-data',
          consent: { state: 'WAITING' },
        },
      },
    });
    expect(answers.get('OliverConfirms')!.data).toMatchObject({
      confirmAccessRequest: {
        request: {
          status: 'APPROVED',
          ruleId: 'finance-analysts-sales-data',
          grant: { id: expect.any(String) },
        },
        standingConsent: { scope: 'AGENT' },
      },
    });
    expect(answers.get('TheSliceNow')!.data).toMatchObject({
      dataset: { path: 'analytics.sales.contacts', tier: 'READ' },
    });
    expect(answers.get('AskForMarketingLeads')!.data).toMatchObject({
      requestAccess: {
        request: {
          status: 'PENDING',
          ruleId: 'confidential-to-owners',
          consent: { state: 'WAITING', position: 'BEFORE' },
        },
      },
    });
    expect(answers.get('OliverConfirmsOnce')!.data).toMatchObject({
      confirmAccessRequest: { request: { status: 'PENDING', consent: { state: 'GIVEN', answer: 'ONCE' } } },
    });
    expect(answers.get('LucasApproves')!.data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', grant: { expiresAt: expect.any(String) } },
    });
    const afterApproval = await graphql(
      server.graphqlUrl,
      '{ dataset(path: "analytics.marketing.marketing_leads") { tier } }',
      {},
      shellEnv.AGENT,
    );
    expect(afterApproval.data).toEqual({ dataset: { tier: 'READ' } });

    // "Or in the console": the page is served, Lucas is among the demo people, Oliver's agent with
    // its grants and requests is under My agents, and Lucas's decision is in his history.
    const page = await fetch(`${origin}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const people = (await (await fetch(`${origin}/console/api/dev/people`)).json()) as {
      people: { name: string }[];
    };
    expect(people.people.map((person) => person.name)).toEqual(
      expect.arrayContaining(['Lucas Moreau', 'Oliver Grant']),
    );
    const asOliver = await consoleGraphql<{
      myDelegations: {
        chain: { clientId: string }[];
        grants: { paths: string[] }[];
        requests: { id: string }[];
      }[];
    }>(
      origin,
      await devSignIn(origin, 'oliver.grant@acme.example'),
      '{ myDelegations { chain { clientId } grants { paths } requests { id } } }',
    );
    const requestId = path$(answers, 'AskForMarketingLeads', ['requestAccess', 'request', 'id']);
    expect(asOliver.data?.myDelegations).toEqual([
      expect.objectContaining({
        chain: [{ clientId: shellEnv.CLIENT_ID }],
        grants: expect.arrayContaining([{ paths: ['analytics.marketing.marketing_leads'] }]),
        requests: expect.arrayContaining([{ id: requestId }]),
      }),
    ]);
    const asLucas = await consoleGraphql<{ myAccessRequests: { edges: { node: { id: string } }[] } }>(
      origin,
      await devSignIn(origin, 'lucas.moreau@acme.example'),
      '{ myAccessRequests(role: DECIDED_BY_ME) { edges { node { id } } } }',
    );
    expect(asLucas.data?.myAccessRequests.edges.map((edge) => edge.node.id)).toEqual([requestId]);

    // "That --for-agent token is refused on /graphql" with the message the README quotes.
    const forAgent = await runShellBlock(
      'npx aperture dev-token --user oliver.grant@acme.example --for-agent',
      shellEnv,
    );
    const refused = await graphql(server.graphqlUrl, '{ viewer { kind } }', {}, forAgent.stdout.trim());
    expect(refused.errors?.[0]?.message).toContain('this token can only be exchanged at /oauth/token');
  });
});

describe('the README section "Agents over MCP", word for word', () => {
  it('after the quickstart: the challenge, the metadata, a token for /mcp, the example session', async () => {
    const origin = new URL(server.graphqlUrl).origin;
    const blocks = sectionBlocks('Agents over MCP');
    const shell = blocks.filter((block) => block.language === 'sh');
    expect(shell).toHaveLength(2);

    const discovery = await runShellBlock(shell[0]!.code.replaceAll(readmeOrigin, origin), shellEnv);
    const [challenge, metadata] = discovery.stdout.trim().split('\n');
    expect(challenge!.trim()).toBe(
      `www-authenticate: Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(JSON.parse(metadata!)).toMatchObject({
      resource: `${origin}/mcp`,
      authorization_servers: [origin],
      bearer_methods_supported: ['header'],
    });

    shellEnv = (await runShellBlock(shell[1]!.code.replaceAll(readmeOrigin, origin), shellEnv)).env;
    expect(decodeJwt(shellEnv.MCP_TOKEN!).aud).toBe(`${origin}/mcp`);

    // The stdio configuration is JSON; the policy example is a valid policy.
    JSON.parse(blocks.find((block) => block.language === 'json')!.code);
    const policies = parseYaml(blocks.find((block) => block.language === 'yaml')!.code) as unknown;
    expect(parsePolicySet(policies, 'README')[0]).toMatchObject({ channels: ['graphql'] });

    // The example session, call by call: each line the README shows (… stands for anything).
    const client = await connectMcp(origin, shellEnv.MCP_TOKEN!, {
      clientInfo: { name: 'readme', version: '1.0.0' },
    });
    try {
      const session = blocks.find((block) => block.language === 'text')!.code.split('\n');
      const calls = session.flatMap((line, index) => (line.startsWith('> ') ? [index] : []));
      expect(calls.length).toBe(3);
      for (const [position, start] of calls.entries()) {
        const [, tool, args] = /^> (\w+) (.*)$/.exec(session[start]!)!;
        const reply = await client.callTool({ name: tool!, arguments: JSON.parse(args!) });
        const text = (reply.content as { text: string }[])[0]!.text.split('\n');
        const shown = session.slice(start + 1, calls[position + 1] ?? session.length);
        for (const line of shown.filter((expected) => expected.trim() !== '…')) {
          const pattern = new RegExp(`^${line.split('…').map(escapeRegExp).join('.*')}$`);
          expect(
            text.some((actual) => pattern.test(actual)),
            `${tool}: ${line}\n${text.join('\n')}`,
          ).toBe(true);
        }
      }
    } finally {
      await client.close();
    }
  });
});

describe('the README section "Integrating", word for word', () => {
  it('after the quickstart: a gateway registered, the PDP metadata, the answers the prose describes', async () => {
    const origin = new URL(server.graphqlUrl).origin;
    const shell = sectionBlocks('Integrating').filter((block) => block.language === 'sh');
    expect(shell.length).toBeGreaterThanOrEqual(2);

    const registered = await runShellBlock(shell[0]!.code.replaceAll(readmeOrigin, origin), shellEnv);
    shellEnv = registered.env;
    expect(shellEnv.PEP).toMatch(/^pep_[\w-]+:aps_[\w-]+$/);
    expect(JSON.parse(registered.stdout.trim())).toMatchObject({
      policy_decision_point: origin,
      access_evaluation_endpoint: `${origin}/access/v1/evaluation`,
      search_resource_endpoint: `${origin}/access/v1/search/resource`,
      access_request_endpoint: `${origin}/access/v1/requests`,
    });

    const asked = await runShellBlock(shell[1]!.code.replaceAll(readmeOrigin, origin), shellEnv);
    const [payments, headcount, hidden, missing] = asked.stdout.trim().split('\n');
    expect(JSON.parse(payments!)).toMatchObject({ decision: true, context: { tier: 'read' } });
    expect(JSON.parse(headcount!)).toMatchObject({
      decision: false,
      context: {
        tier: 'discover',
        reason: 'approval_required',
        access_request: { endpoint: `${origin}/access/v1/requests`, binding_token: expect.any(String) },
      },
    });
    expect(hidden).toBe('{"decision":false,"context":{"reason":"not_found"}}');
    expect(missing).toBe(hidden);
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The token a block names in its first line: `# Token: $VAR` or `# Token: <shell command>`. */
async function tokenFor(block: ReadmeBlock): Promise<string> {
  const header = /^# Token: (.+)$/.exec(block.code.split('\n')[0] ?? '');
  if (!header)
    throw new Error(`README line ${block.line}: a quickstart GraphQL block must start with "# Token: ..."`);
  const source = header[1]!.trim();
  const variable = /^\$(\w+)$/.exec(source);
  if (variable) {
    const value = shellEnv[variable[1]!];
    if (!value) throw new Error(`README line ${block.line}: $${variable[1]} is not set by an earlier block`);
    return value;
  }
  return (await runShellBlock(source, shellEnv)).stdout.trim();
}

function operationNames(code: string): string[] {
  return parse(code).definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
  );
}

function path$(answers: Map<string, Answer>, operation: string, keys: string[]): string {
  let value: unknown = answers.get(operation)?.data;
  for (const key of keys) value = (value as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'string') throw new Error(`no ${keys.join('.')} in the answer to ${operation}`);
  return value;
}
