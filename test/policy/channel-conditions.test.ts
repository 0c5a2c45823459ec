import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/audit/channel.ts';
import type { PolicyObject } from '../../src/policy/access-context.ts';
import { channelKey } from '../../src/policy/compile-policies.ts';
import { policySetSchema } from '../../src/policy/policy-schema.ts';
import { computeSlice } from '../../src/policy/slice.ts';
import { ViewerAccess } from '../../src/policy/viewer-access.ts';
import { column, context, dataset, policies } from './catalog-fixture.ts';

const graphql: Channel = { name: 'graphql', client: null };
const financeApp: Channel = { name: 'mcp', client: 'finance-app' };
const otherClient: Channel = { name: 'mcp', client: 'claude-desktop' };
const silentClient: Channel = { name: 'mcp', client: null };

const ledger = dataset('dw.finance.ledger', { sensitivity: 'RESTRICTED', tags: ['finance'] });
const ledgerAmount = column('dw.finance.ledger', 'amount', { sensitivity: 'RESTRICTED' });
const customers = dataset('dw.sales.customers', { tags: ['pii'] });
const orders = dataset('dw.sales.orders');
const catalog = [ledger, ledgerAmount, customers, orders];
const lookup = (path: string) => catalog.find((object) => object.path === path);

const set = policies([
  {
    id: 'read-internal',
    description: 'Internal data, through any door',
    effect: 'allow',
    tier: 'READ',
    resources: { sensitivities: ['INTERNAL'] },
  },
  {
    id: 'restricted-over-graphql',
    description: 'Restricted data only over GraphQL',
    effect: 'allow',
    tier: 'READ',
    resources: { sensitivities: ['RESTRICTED'] },
    channels: ['graphql'],
  },
  {
    id: 'restricted-for-the-finance-app',
    description: 'Restricted data over MCP from the finance app',
    effect: 'allow',
    tier: 'DISCOVER',
    resources: { sensitivities: ['RESTRICTED'] },
    channels: ['mcp'],
    clients: ['finance-app'],
  },
  {
    id: 'no-pii-over-mcp',
    description: 'Personal data never reaches agents over MCP',
    effect: 'deny',
    tier: 'DISCOVER',
    resources: { tags: ['pii'] },
    channels: ['mcp'],
  },
]);

function visibility(object: PolicyObject, channel: Channel | null) {
  return new ViewerAccess(set, context({ channel })).decide(object, lookup).visibility;
}

describe('policies that name channels and clients', () => {
  it('grant only through the doors they name', () => {
    expect(visibility(ledger, graphql)).toBe('READ');
    expect(visibility(ledgerAmount, graphql)).toBe('READ');
    expect(visibility(ledger, financeApp)).toBe('DISCOVER');
    expect(visibility(ledgerAmount, financeApp)).toBe('HIDDEN');
    expect(visibility(ledger, otherClient)).toBe('HIDDEN');
    expect(visibility(ledger, silentClient)).toBe('HIDDEN');
  });

  it('deny only through the doors they name', () => {
    expect(visibility(customers, graphql)).toBe('READ');
    expect(visibility(customers, financeApp)).toBe('HIDDEN');
    expect(visibility(customers, silentClient)).toBe('HIDDEN');
    // Policies that name no channel decide alike through every door.
    for (const channel of [graphql, financeApp, otherClient, null]) {
      expect(visibility(orders, channel)).toBe('READ');
    }
  });

  it('never widen access when the door is unknown: allows do not grant, denies still apply', () => {
    expect(visibility(ledger, null)).toBe('HIDDEN');
    expect(visibility(customers, null)).toBe('HIDDEN');
    expect(new ViewerAccess(set, context()).decide(customers, lookup).visibility).toBe('HIDDEN');
  });

  it('name the policy that decided in the reasons', () => {
    const access = new ViewerAccess(set, context({ channel: financeApp }));
    expect(access.decide(customers, lookup).reasons).toEqual({
      allowedBy: ['read-internal'],
      deniedBy: ['no-pii-over-mcp'],
      cappedBy: [],
    });
    expect(access.decide(ledger, lookup).reasons.allowedBy).toEqual(['restricted-for-the-finance-app']);
  });

  it('list the same slice as they decide, per channel', () => {
    const paths = (channel: Channel | null) => {
      const slice = computeSlice(set, context({ channel }), catalog);
      return catalog.filter((object) => slice.decisions.has(object.id)).map((object) => object.path);
    };
    expect(paths(graphql)).toEqual([
      'dw.finance.ledger',
      'dw.finance.ledger.amount',
      'dw.sales.customers',
      'dw.sales.orders',
    ]);
    expect(paths(financeApp)).toEqual(['dw.finance.ledger', 'dw.sales.orders']);
    expect(paths(otherClient)).toEqual(['dw.sales.orders']);
  });
});

describe('the channel key of a slice', () => {
  it('is empty when no policy names a channel or a client: slices are shared as before', () => {
    const plain = policies([{ id: 'read-all', description: 'Everything', effect: 'allow', tier: 'READ' }]);
    expect(plain.channelBound).toEqual([]);
    expect(channelKey(plain, graphql)).toBe('');
    expect(channelKey(plain, financeApp)).toBe('');
  });

  it('tells apart only the doors and clients that some policy tells apart', () => {
    expect(channelKey(set, otherClient)).toBe(channelKey(set, silentClient));
    expect(channelKey(set, financeApp)).not.toBe(channelKey(set, otherClient));
    expect(channelKey(set, graphql)).not.toBe(channelKey(set, otherClient));
    // Slack names no client and is named by no policy: it reads like a door no allow names.
    expect(channelKey(set, { name: 'slack', client: null })).toBe(
      channelKey(set, { name: 'cli', client: null }),
    );
  });
});

describe('channel conditions are validated like the rest of a policy', () => {
  const base = { id: 'p1', description: 'A policy', effect: 'allow', tier: 'READ' } as const;

  it('accepts the known channels and client names', () => {
    const [parsed] = policySetSchema.parse([
      { ...base, channels: ['mcp', 'graphql'], clients: ['finance-app'] },
    ]);
    expect(parsed).toMatchObject({ channels: ['mcp', 'graphql'], clients: ['finance-app'] });
  });

  it('refuses unknown channels, empty lists and blank client names', () => {
    for (const wrong of [{ channels: ['email'] }, { channels: [] }, { clients: [] }, { clients: [' '] }]) {
      const parsed = policySetSchema.safeParse([{ ...base, ...wrong }]);
      expect(parsed.success, JSON.stringify(wrong)).toBe(false);
    }
  });

  it('refuses a deny that relies on client names: a client can give any name, or none', () => {
    const parsed = policySetSchema.safeParse([
      { ...base, effect: 'deny', tier: 'DISCOVER', clients: ['finance-app'] },
    ]);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: [0, 'clients'],
      message: expect.stringMatching(/any name/),
    });
    expect(
      policySetSchema.safeParse([{ ...base, effect: 'deny', tier: 'DISCOVER', channels: ['mcp'] }]).success,
    ).toBe(true);
  });
});
