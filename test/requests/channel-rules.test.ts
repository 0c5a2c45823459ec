import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/audit/channel.ts';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import type { PolicyHuman, PolicyObject } from '../../src/policy/access-context.ts';
import { evaluateRules, type RequestFacts } from '../../src/requests/rules/evaluate-rules.ts';
import type { RuleInput } from '../../src/requests/rules/rule-schema.ts';
import { validateRuleSet } from '../../src/requests/rules/rule-store.ts';
import { InvalidInputError } from '../../src/shared/errors.ts';
import { connectMcp, mcpResource } from '../mcp/support/mcp-client.ts';
import {
  requestAccessMutation,
  requestPeople,
  requestRules,
  useRequestWorld,
} from '../support/requests-fixture.ts';

const ana: PolicyHuman = {
  email: 'ana@acme.test',
  department: 'finance',
  region: 'emea',
  title: 'Analyst',
  groups: ['analysts'],
  manager: 'mark@acme.test',
  attributes: {},
};

const ledger: PolicyObject = {
  id: 'd1',
  kind: 'dataset',
  path: 'dw.finance.ledger',
  datasetPath: null,
  tags: ['finance'],
  domain: 'finance',
  sensitivity: 'CONFIDENTIAL',
  dependsOn: [],
};

const facts = (channel: Channel | null): RequestFacts => ({
  human: ana,
  agentClientId: 'sql-agent',
  intent: 'analytics',
  resources: [ledger],
  tier: 'READ',
  requestedSeconds: 3_600,
  at: new Date('2026-11-25T09:00:00Z'),
  channel,
});

const financeApp: Channel = { name: 'mcp', client: 'finance-app' };
const otherClient: Channel = { name: 'mcp', client: 'claude-desktop' };
const graphql: Channel = { name: 'graphql', client: null };

const set = validateRuleSet(
  [
    {
      id: 'finance-app-ledger',
      description: 'The finance app reads the ledger at once, over MCP',
      when: { channels: ['mcp'], clients: ['finance-app'], resources: { paths: ['dw.finance.*'] } },
      action: 'approve',
      maxDuration: 'PT1H',
    },
    {
      id: 'no-write-tier-over-slack',
      description: 'Nothing is asked for over Slack',
      when: { channels: ['slack'] },
      action: 'deny',
      reason: 'Ask from your agent, not from Slack',
    },
  ],
  'test',
);

describe('rules that name channels and clients', () => {
  it('approve only through the door and from the client they name', () => {
    expect(evaluateRules(set, facts(financeApp))).toMatchObject({
      action: 'approve',
      rule: { id: 'finance-app-ledger' },
    });
    for (const channel of [otherClient, { name: 'mcp', client: null } as Channel, graphql]) {
      expect(evaluateRules(set, facts(channel))).toMatchObject({ action: 'route', rule: null, matched: [] });
    }
  });

  it('deny only through the door they name', () => {
    expect(evaluateRules(set, facts({ name: 'slack', client: null }))).toMatchObject({
      action: 'deny',
      reason: 'Ask from your agent, not from Slack',
    });
    expect(evaluateRules(set, facts(graphql)).action).toBe('route');
  });

  it('never approve when the door is unknown, and deny then', () => {
    const unknown = evaluateRules(set, facts(null));
    expect(unknown).toMatchObject({ action: 'deny', matched: ['no-write-tier-over-slack'] });
    const { channel: _channel, ...withoutChannel } = facts(null);
    expect(evaluateRules(set, withoutChannel).action).toBe('deny');
  });

  it('are validated like the rest of a rule', () => {
    const wrong: RuleInput = {
      id: 'wrong',
      description: 'An unknown door',
      when: { channels: ['email' as 'mcp'], clients: [] },
      action: 'approve',
      maxDuration: 'PT1H',
    };
    expect(() => validateRuleSet([wrong], 'test')).toThrow(InvalidInputError);
    const denyByClient: RuleInput = {
      id: 'deny-by-client',
      description: 'A deny a client escapes by giving another name',
      when: { channels: ['mcp'], clients: ['claude-desktop'] },
      action: 'deny',
      reason: 'Not from this client',
    };
    expect(() => validateRuleSet([denyByClient], 'test')).toThrow(/cannot rely on client names/);
    try {
      validateRuleSet([wrong], 'test');
    } catch (error) {
      const messages = (error as InvalidInputError).problems.map((problem) => problem.location);
      expect(messages).toEqual(['rules[0] (wrong).when.channels.0', 'rules[0] (wrong).when.clients']);
    }
  });
});

describe('a request filed through MCP', () => {
  const t = useRequestWorld();
  const customers = 'analytics.marts.customers';
  const stagingCustomers = 'analytics.staging.stg_customers';

  const rules: RuleInput[] = [
    {
      id: 'finance-app-customers',
      description: 'The finance app gets the customers mart at once, over MCP only',
      when: { channels: ['mcp'], clients: ['finance-app'], resources: { paths: [customers] } },
      action: 'approve',
      maxDuration: 'PT1H',
    },
    {
      id: 'no-staging-over-mcp',
      description: 'Staging data is not handed out over MCP',
      when: { channels: ['mcp'], resources: { paths: [stagingCustomers] } },
      action: 'deny',
      reason: 'Staging data is not for MCP clients',
    },
    ...requestRules,
  ];

  async function applyRules() {
    const applied = await t.world.governance.run(
      'mutation ($rules: JSON!) { applyRules(rules: $rules) { version } }',
      { rules },
    );
    expect(applied.errors).toBeUndefined();
  }

  async function overMcp(agent: string, clientName: string, path: string) {
    const token = await t.world.agentToken('ana@acme.test', {
      agent,
      resource: mcpResource(t.world.service.url),
    });
    // The 2026-07-28 envelope names the client on every call (a 2025-era stateless HTTP client
    // names it only in its initialize request, which another request served).
    const client = await connectMcp(t.world.service.url, token, {
      clientInfo: { name: clientName, version: '2.0.0' },
    });
    try {
      const result = await client.callTool({
        name: 'request_access',
        arguments: { paths: [path], tier: 'READ', justification: 'Churn analysis for the board' },
      });
      expect(result.isError).toBeFalsy();
      return (result.structuredContent as { request: { id: string; status: string } }).request;
    } finally {
      await client.close();
    }
  }

  async function overGraphQL(agent: string, path: string) {
    const token = await t.world.agentToken('ana@acme.test', { agent });
    const filed = await t.world.gql<{ requestAccess: { request: { id: string; status: string } } }>(
      token,
      requestAccessMutation,
      {
        input: {
          paths: [path],
          tier: 'READ',
          justification: 'Churn analysis for the board',
          duration: 'PT1H',
        },
      },
    );
    expect(filed.errors).toBeUndefined();
    return filed.data!.requestAccess.request;
  }

  async function eventsOf(requestId: string) {
    const events = await t.db.prisma.auditEvent.findMany({
      where: { subjectKind: 'access-request', subjectId: requestId },
      orderBy: { id: 'asc' },
    });
    return events.map((event) => ({
      type: event.type,
      via: (event.payload as { via?: unknown }).via,
    }));
  }

  it('is approved by a rule for its client, and the same request over GraphQL is routed', async () => {
    await applyRules();
    const approved = await overMcp('Finance agent', 'finance-app', customers);
    expect(approved.status).toBe('APPROVED');
    const routed = await overMcp('Desktop agent', 'claude-desktop', customers);
    expect(routed.status).toBe('PENDING');
    const overGraphql = await overGraphQL('GraphQL agent', customers);
    expect(overGraphql.status).toBe('PENDING');

    const stored = await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: approved.id } });
    expect(stored.ruleId).toBe('finance-app-customers');
    expect((stored.snapshot as { channel?: unknown }).channel).toEqual({
      name: 'mcp',
      client: 'finance-app',
    });

    expect(await eventsOf(approved.id)).toEqual([
      { type: 'access.requested', via: { name: 'mcp', client: 'finance-app' } },
      { type: 'access.approved', via: { name: 'mcp', client: 'finance-app' } },
    ]);
    const grant = await t.db.prisma.grant.findFirstOrThrow({ where: { requestId: approved.id } });
    const grantEvents = await t.db.prisma.auditEvent.findMany({ where: { subjectId: grant.id } });
    expect(grantEvents.map((event) => (event.payload as { via?: unknown }).via)).toEqual([
      { name: 'mcp', client: 'finance-app' },
    ]);
    expect(await eventsOf(routed.id)).toEqual([
      { type: 'access.requested', via: { name: 'mcp', client: 'claude-desktop' } },
      { type: 'access.routed', via: { name: 'mcp', client: 'claude-desktop' } },
    ]);
    expect(await eventsOf(overGraphql.id)).toEqual([
      { type: 'access.requested', via: { name: 'graphql', client: null } },
      { type: 'access.routed', via: { name: 'graphql', client: null } },
    ]);
  });

  it('is denied by a rule that names MCP, which leaves GraphQL alone', async () => {
    await applyRules();
    const denied = await overMcp('Finance agent', 'finance-app', stagingCustomers);
    expect(denied.status).toBe('DENIED');
    const overGraphql = await overGraphQL('GraphQL agent', stagingCustomers);
    expect(overGraphql.status).toBe('PENDING');
  });

  it('keeps a grant its MCP rule approved when the grants of its human are checked again', async () => {
    await applyRules();
    const approved = await overMcp('Recheck agent', 'finance-app', customers);
    expect(approved.status).toBe('APPROVED');
    const grant = await t.db.prisma.grant.findFirstOrThrow({ where: { requestId: approved.id } });
    // A change of Ana's title (no rule reads it) has her grants checked again by a job.
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-people-'));
    const write = async (name: string, people: typeof requestPeople) => {
      const file = path.join(dir, name);
      await writeFile(file, JSON.stringify(people));
      await applyPeople(t.db.prisma, file, await parsePeopleFile(file));
    };
    await write(
      'retitled.json',
      requestPeople.map((person) =>
        person.email === 'ana@acme.test' ? { ...person, title: 'Lead' } : person,
      ),
    );
    await expect
      .poll(() => t.db.prisma.job.count({ where: { kind: 'grants.recheck' } }), { timeout: 15_000 })
      .toBe(0);
    expect(await t.db.prisma.job.count({ where: { failedAt: { not: null } } })).toBe(0);
    expect(await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grant.id } })).toMatchObject({
      status: 'ACTIVE',
      endedBy: null,
    });
    await write('original.json', requestPeople);
  });

  it('names the token endpoint as the door of the exchanges that made its tokens', async () => {
    await t.world.agentToken('ana@acme.test', { agent: 'Exchange agent' });
    const exchanges = await t.db.prisma.auditEvent.findMany({ where: { type: 'token.exchanged' } });
    expect(exchanges.length).toBeGreaterThan(0);
    for (const event of exchanges) {
      expect((event.payload as { via?: unknown }).via).toEqual({ name: 'oauth', client: null });
    }
  });
});
