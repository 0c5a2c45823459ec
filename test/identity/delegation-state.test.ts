import { describe, expect, it } from 'vitest';
import type { AgentState, IdentitySnapshot, IntentState } from '../../src/identity/state/identity-state.ts';
import { checkDelegationState } from '../../src/identity/tokens/check-delegation-state.ts';
import { actFromChain, chainFromAct } from '../../src/identity/tokens/delegation-claims.ts';

const ceiling = {
  maxTier: 'READ' as const,
  maxSensitivity: 'INTERNAL' as const,
  requiredTags: [],
  excludedTags: [],
  paths: [],
};

function agent(id: string, overrides: Partial<AgentState> = {}): AgentState {
  return {
    id,
    clientId: `agt_${id}`,
    name: id,
    status: 'ACTIVE',
    parentId: null,
    allowedIntents: ['analytics'],
    maxDelegationDepth: 2,
    ceiling,
    ...overrides,
  };
}

function snapshot(agents: AgentState[], intents: string[] = ['analytics']): IdentitySnapshot {
  const intent = (name: string): IntentState => ({
    name,
    description: '',
    allowedTiers: ['READ'],
    allowedTags: [],
    maxTokenLifetimeSeconds: 600,
  });
  return {
    agentsById: new Map(agents.map((a) => [a.id, a])),
    agentsByClientId: new Map(agents.map((a) => [a.clientId, a])),
    credentialsByAgentId: new Map(),
    intents: new Map(intents.map((name) => [name, intent(name)])),
    revokedTokenIds: new Set(),
    agentsByExternalIdentity: new Map(),
  };
}

describe('act claim', () => {
  const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
  const chain = ids.map((id, index) => ({ id, clientId: `agt_${index}` }));

  it('nests the current actor outermost (RFC 8693 §4.1), names agents by client id (actor profile), and round-trips', () => {
    expect(actFromChain(chain, 'urn:aperture')).toEqual({
      sub: 'agt_1',
      iss: 'urn:aperture',
      sub_profile: 'ai_agent',
      aperture_agent_id: ids[1],
      act: { sub: 'agt_0', iss: 'urn:aperture', sub_profile: 'ai_agent', aperture_agent_id: ids[0] },
    });
    expect(chainFromAct(actFromChain(chain, 'urn:aperture'))).toEqual(ids);
  });

  it('reads the first shape too, whose act.sub was the internal agent id', () => {
    expect(chainFromAct({ sub: ids[1]!, act: { sub: ids[0]! } })).toEqual(ids);
  });

  it('refuses absurdly deep act claims', () => {
    const deep = Array.from({ length: 40 }, (_, i) => ({ id: `a${i}`, clientId: `agt_${i}` }));
    expect(() => chainFromAct(actFromChain(deep, 'urn:aperture'))).toThrow(/too deep/);
  });
});

describe('checkDelegationState', () => {
  const top = agent('top');
  const child = agent('child', { parentId: 'top', maxDelegationDepth: 0 });
  const grandchild = agent('grandchild', { parentId: 'child' });

  it('accepts a registered chain of active agents allowed the intent', () => {
    expect(checkDelegationState(snapshot([top, child]), ['top', 'child'], 'analytics', 4).problem).toBeNull();
  });

  it.each([
    [
      'a suspended hop',
      [agent('top', { status: 'SUSPENDED' }), child],
      ['top', 'child'],
      'analytics',
      'inactive_agent',
    ],
    [
      'a retired parent',
      [agent('top', { status: 'RETIRED' }), child],
      ['top', 'child'],
      'analytics',
      'inactive_agent',
    ],
    ['a sub-agent acting first', [top, child], ['child'], 'analytics', 'not_a_child'],
    [
      'a hop that is not the child of the previous one',
      [top, agent('other')],
      ['top', 'other'],
      'analytics',
      'not_a_child',
    ],
    [
      'a hop deeper than its parent allows',
      [top, child, grandchild],
      ['top', 'child', 'grandchild'],
      'analytics',
      'too_deep',
    ],
    [
      'an intent one hop may not use',
      [top, agent('child', { parentId: 'top', allowedIntents: [] })],
      ['top', 'child'],
      'analytics',
      'intent_not_allowed',
    ],
    ['an unknown intent', [top], ['top'], 'nope', 'unknown_intent'],
    ['an unknown agent', [top], ['top', 'ghost'], 'analytics', 'unknown_agent'],
  ] as const)('refuses %s', (_name, agents, chain, intent, kind) => {
    expect(checkDelegationState(snapshot([...agents]), chain, intent, 4).problem?.kind).toBe(kind);
  });

  it('refuses chains beyond the global depth', () => {
    expect(checkDelegationState(snapshot([top, child]), ['top', 'child'], 'analytics', 1).problem?.kind).toBe(
      'too_deep',
    );
  });
});
