import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/audit/channel.ts';
import type { PolicyHuman, PolicyObject } from '../../src/policy/access-context.ts';
import { channelsCovered } from '../../src/policy/channel-condition.ts';
import { channelKey } from '../../src/policy/compile-policies.ts';
import { ViewerAccess } from '../../src/policy/viewer-access.ts';
import { evaluateRules, type RequestFacts } from '../../src/requests/rules/evaluate-rules.ts';
import { validateRuleSet } from '../../src/requests/rules/rule-store.ts';
import { context, dataset, policies } from './catalog-fixture.ts';

/**
 * The console is a GraphQL client over a person's session: a policy or rule naming `graphql`
 * applies through `console` too, so the console never gets around a deny written for GraphQL. A
 * policy or rule naming `console` alone singles the console out.
 */

const graphql: Channel = { name: 'graphql', client: null };
const consoleDoor: Channel = { name: 'console', client: null };
const mcp: Channel = { name: 'mcp', client: null };

const payroll = dataset('hr.payroll', { tags: ['pii'] });
const drafts = dataset('hr.drafts');
const orders = dataset('sales.orders');
const lookup = (path: string) => [payroll, drafts, orders].find((object) => object.path === path);

const set = policies([
  { id: 'read-all', description: 'Everything', effect: 'allow', tier: 'READ' },
  {
    id: 'no-pii-over-graphql',
    description: 'Personal data never over GraphQL',
    effect: 'deny',
    tier: 'DISCOVER',
    resources: { tags: ['pii'] },
    channels: ['graphql'],
  },
  {
    id: 'no-drafts-in-the-console',
    description: 'Drafts stay out of the console',
    effect: 'deny',
    tier: 'DISCOVER',
    resources: { paths: ['hr.drafts'] },
    channels: ['console'],
  },
  {
    id: 'orders-over-graphql-only',
    description: 'Orders read only over GraphQL',
    effect: 'allow',
    tier: 'READ',
    resources: { paths: ['sales.orders'] },
    channels: ['graphql'],
  },
]);

const visibility = (object: PolicyObject, channel: Channel | null) =>
  new ViewerAccess(set, context({ channel })).decide(object, lookup).visibility;

describe('policies naming graphql', () => {
  it('cover the console: a deny naming graphql hides the object from the console too', () => {
    expect(visibility(payroll, graphql)).toBe('HIDDEN');
    expect(visibility(payroll, consoleDoor)).toBe('HIDDEN');
    expect(visibility(payroll, mcp)).toBe('READ');
  });

  it('a policy naming console alone singles the console out', () => {
    expect(visibility(drafts, consoleDoor)).toBe('HIDDEN');
    expect(visibility(drafts, graphql)).toBe('READ');
    expect(visibility(drafts, mcp)).toBe('READ');
  });

  it('give the console what they give GraphQL', () => {
    expect(visibility(orders, consoleDoor)).toBe('READ');
    expect(channelsCovered(['graphql'])).toEqual(new Set(['graphql', 'console']));
    expect(channelsCovered(['console'])).toEqual(new Set(['console']));
    expect(channelsCovered(['mcp'])).toEqual(new Set(['mcp']));
  });

  it('the console keys its slices apart from GraphQL only as far as some policy tells them apart', () => {
    expect(channelKey(set, consoleDoor)).not.toBe(channelKey(set, graphql));
    const graphqlOnly = policies([
      { id: 'read-all', description: 'Everything', effect: 'allow', tier: 'READ' },
      {
        id: 'no-pii-over-graphql',
        description: 'Personal data never over GraphQL',
        effect: 'deny',
        tier: 'DISCOVER',
        resources: { tags: ['pii'] },
        channels: ['graphql'],
      },
    ]);
    expect(channelKey(graphqlOnly, consoleDoor)).toBe(channelKey(graphqlOnly, graphql));
  });
});

describe('rules naming graphql', () => {
  const ana: PolicyHuman = {
    email: 'ana@acme.test',
    department: 'finance',
    region: 'emea',
    title: 'Analyst',
    groups: ['analysts'],
    manager: null,
    attributes: {},
  };
  const facts = (channel: Channel): RequestFacts => ({
    human: ana,
    agentClientId: 'sql-agent',
    intent: 'analytics',
    resources: [payroll],
    tier: 'READ',
    requestedSeconds: 3_600,
    at: new Date('2026-11-25T09:00:00Z'),
    channel,
  });
  const rules = validateRuleSet(
    [
      {
        id: 'no-requests-over-graphql',
        description: 'Requests come from agents over MCP',
        when: { channels: ['graphql'] },
        action: 'deny',
        reason: 'Ask from your agent',
      },
    ],
    'test',
  );
  const consoleOnly = validateRuleSet(
    [
      {
        id: 'no-requests-from-the-console',
        description: 'Not from the console',
        when: { channels: ['console'] },
        action: 'deny',
        reason: 'Not from the console',
      },
    ],
    'test',
  );

  it('match requests through the console too', () => {
    expect(evaluateRules(rules, facts(graphql)).action).toBe('deny');
    expect(evaluateRules(rules, facts(consoleDoor)).action).toBe('deny');
    expect(evaluateRules(rules, facts(mcp)).action).toBe('route');
  });

  it('naming console alone matches the console only', () => {
    expect(evaluateRules(consoleOnly, facts(consoleDoor)).action).toBe('deny');
    expect(evaluateRules(consoleOnly, facts(graphql)).action).toBe('route');
  });
});
