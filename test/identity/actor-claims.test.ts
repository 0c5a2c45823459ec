import { describe, expect, it } from 'vitest';
import { ActorClaimRefusal } from '../../src/identity/enterprise/actor-claims.ts';
import { mapActorChain, refuseAgentSubject } from '../../src/identity/enterprise/map-actor-chain.ts';
import { readActorClaims } from '../../src/identity/enterprise/read-actor-claims.ts';
import {
  type AgentState,
  externalIdentityKey,
  type IdentitySnapshot,
} from '../../src/identity/state/identity-state.ts';

// Shapes as the vendors publish them (see the report's sources): Okta's agent-to-agent ID-JAG,
// Auth0's on-behalf-of token, Microsoft Entra Agent ID's "agent acting on behalf of a user".
const okta = 'https://acme.okta.com';
const auth0 = 'https://acme.us.auth0.com/';
const entra = 'https://login.microsoftonline.com/00000001-0000-0ff1-ce00-000000000000/v2.0';

const read = (payload: Record<string, unknown>, issuer = okta, maxDepth = 3) =>
  readActorClaims({ payload, issuer, maxDepth });

function refusal(run: () => unknown): { claim: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ActorClaimRefusal) return { claim: error.claim, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('Okta (act + delegated_through + origin)', () => {
  it('reads the immediate actor after the earlier hops, dropping the originating service client', () => {
    const chain = read({
      sub: '00u8f3k2jsLpQ0Zx90h7',
      sub_profile: 'user',
      act: { sub: 'wlp9jecfovIcujmca0g7', sub_profile: 'ai_agent' },
      delegated_through: [{ sub: 'wlp9jebmx18qWtCeu0g7', sub_profile: 'ai_agent' }],
      origin: { sub: '0oa9jh6hizeR7uMag0g7', sub_profile: 'service' },
    });
    expect(chain).toEqual({
      shape: 'okta',
      actors: [
        { issuer: okta, subject: 'wlp9jebmx18qWtCeu0g7', claim: 'delegated_through[0].sub' },
        { issuer: okta, subject: 'wlp9jecfovIcujmca0g7', claim: 'act.sub' },
      ],
    });
  });

  it('drops a service client at the start of delegated_through (Okta lists the origin there too)', () => {
    const chain = read({
      sub: '00u8f3k2jsLpQ0Zx90h7',
      act: { sub: 'wlp9jebmx18qWtCeu0g7', sub_profile: 'ai_agent' },
      delegated_through: [{ sub: '0oa9jh6hizeR7uMag0g7', sub_profile: 'service' }],
    });
    expect(chain.actors.map((actor) => actor.subject)).toEqual(['wlp9jebmx18qWtCeu0g7']);
  });

  it('reads a single act (Okta resource token) as the actor profile does', () => {
    const chain = read({
      sub: '00u8f3k2jsLpQ0Zx90h7',
      act: { sub: 'wlp9jebmx18qWtCeu0g7', sub_profile: 'ai_agent' },
    });
    expect(chain.actors).toEqual([{ issuer: okta, subject: 'wlp9jebmx18qWtCeu0g7', claim: 'act.sub' }]);
  });

  it("refuses Okta's machine-access token: its subject is a service, not a person", () => {
    expect(
      refusal(() =>
        read({
          sub: '0oa9jh6hizeR7uMag0g7',
          sub_profile: 'service',
          act: { sub: 'wlp9jecfovIcujmca0g7', sub_profile: 'ai_agent' },
        }),
      ),
    ).toEqual({
      claim: 'sub_profile',
      message: expect.stringContaining('sub_profile says the subject is service, not a person'),
    });
  });

  it('refuses malformed and hostile shapes, naming the claim', () => {
    const act = { sub: 'wlp1', sub_profile: 'ai_agent' };
    expect(refusal(() => read({ act, delegated_through: { sub: 'wlp2' } })).claim).toBe('delegated_through');
    expect(refusal(() => read({ act, delegated_through: [{ sub: 42 }] })).message).toBe(
      'delegated_through[0].sub must be a non-empty string',
    );
    expect(refusal(() => read({ act: { ...act, act: { sub: 'wlp3' } }, delegated_through: [] })).claim).toBe(
      'act.act',
    );
    expect(refusal(() => read({ delegated_through: [act] })).message).toContain(
      'the immediate actor is missing',
    );
    expect(
      refusal(() => read({ act, delegated_through: [{ sub: 'wlp1', sub_profile: 'ai_agent' }] })).message,
    ).toContain('cannot pass through the same agent twice');
    expect(
      refusal(() => read({ act, delegated_through: [1, 2, 3, 4].map((n) => ({ sub: `wlp-${n}` })) })).message,
    ).toContain("more hops than aperture's maximum delegation depth (3)");
    expect(
      refusal(() =>
        read({ act, delegated_through: [{ sub: 'wlp0' }, { sub: '0oa-service', sub_profile: 'service' }] }),
      ).message,
    ).toContain('names an application, not an agent, in the middle of the delegation chain');
    expect(refusal(() => read({ act: { sub: 'wlp1', sub_profile: 'robot' } })).message).toContain(
      'unknown entity profile "robot"',
    );
    expect(refusal(() => read({ act: { sub: '00u-someone', sub_profile: 'user' } })).message).toContain(
      'says the actor is a person',
    );
  });
});

describe('Auth0 and the OAuth actor profile (nested act)', () => {
  it("reads Auth0's on-behalf-of token: the agent, without the browser app the person signed in with", () => {
    const chain = read(
      {
        iss: auth0,
        sub: 'auth0|user123',
        sub_profile: 'user',
        client_id: 'agent-client-id',
        client_profile: 'service ai_agent',
        act: {
          sub: 'agt_1a2b3c',
          sub_profile: 'ai_agent',
          client_id: 'agent-client-id',
          act: { sub: 'spa-client-id', sub_profile: 'browser_app', client_id: 'spa-client-id' },
        },
      },
      auth0,
    );
    expect(chain).toEqual({
      shape: 'actor-profile',
      actors: [{ issuer: auth0, subject: 'agt_1a2b3c', claim: 'act.sub' }],
    });
  });

  it('orders nested actors from the innermost (acting for the person) to the current actor', () => {
    const chain = read({
      sub: 'auth0|user123',
      act: {
        sub: 'agt_child',
        sub_profile: 'ai_agent',
        act: { sub: 'agt_parent', sub_profile: 'ai_agent', iss: okta },
      },
    });
    expect(chain.actors.map((actor) => [actor.subject, actor.claim])).toEqual([
      ['agt_parent', 'act.act.sub'],
      ['agt_child', 'act.sub'],
    ]);
  });

  it('refuses an actor of another issuer, a cycle, deep nesting, oversize claims and a non-human subject', () => {
    expect(refusal(() => read({ act: { sub: 'agt_1', iss: 'https://evil.example' } }))).toEqual({
      claim: 'act.iss',
      message:
        'act.iss names the issuer https://evil.example, but the token comes from https://acme.okta.com: an identity provider may only name its own agents',
    });
    expect(refusal(() => read({ act: { sub: 'agt_1', act: { sub: 'agt_1' } } })).message).toContain(
      'act.sub and act.act.sub both name agt_1',
    );
    let deep: Record<string, unknown> = { sub: 'agt_0' };
    for (let level = 1; level < 10_000; level += 1) deep = { sub: `agt_${level}`, act: deep };
    expect(refusal(() => read({ act: deep })).claim).toBe('act');
    const nested = {
      sub: 'a1',
      act: { sub: 'a2', act: { sub: 'a3', act: { sub: 'a4', act: { sub: 'a5' } } } },
    };
    expect(refusal(() => read({ act: nested })).message).toContain(
      "deeper than aperture's maximum delegation depth (3)",
    );
    expect(
      refusal(() => read({ act: { sub: 'a1', act: { sub: 'a2', act: { sub: 'a3', act: { sub: 'a4' } } } } }))
        .message,
    ).toContain("more than aperture's maximum delegation depth (3)");
    expect(refusal(() => read({ act: { sub: 'x'.repeat(300) } })).message).toBe(
      'act.sub is longer than 255 characters',
    );
    expect(refusal(() => read({ act: { sub: 'a1', padding: 'x'.repeat(9000) } })).message).toContain(
      'larger than 8192 bytes',
    );
    expect(refusal(() => read({ act: ['agt_1'] })).message).toBe('act must be a JSON object');
    expect(refusal(() => read({ act: { sub: '' } })).message).toBe('act.sub must be a non-empty string');
    expect(
      refusal(() => read({ sub: 'agt_1a2b3c', sub_profile: 'ai_agent', client_profile: 'service ai_agent' }))
        .claim,
    ).toBe('sub_profile');
  });

  it('names no agent for a plain identity token', () => {
    expect(read({ sub: 'auth0|user123', email: 'ann@acme.test' })).toEqual({ shape: 'none', actors: [] });
  });
});

describe('Microsoft Entra Agent ID (facets)', () => {
  const agentForUser = {
    aud: 'api://aperture',
    iss: entra,
    tid: '00000001-0000-0ff1-ce00-000000000000',
    idtyp: 'user',
    xms_idrel: '1',
    azp: 'aaaaaaaa-1111-2222-3333-444444444444',
    scp: 'Catalog.Read',
    oid: 'dddddddd-1111-2222-3333-444444444444',
    sub: 'Zr2xQb0nUq0tCkP2VhD0S2m2f3m7Q9Hk',
    xms_act_fct: '3 11',
  };

  it('reads the agent identity (azp, or appid in v1 tokens) acting for a user', () => {
    expect(read(agentForUser, entra)).toEqual({
      shape: 'entra',
      actors: [{ issuer: entra, subject: 'aaaaaaaa-1111-2222-3333-444444444444', claim: 'azp' }],
    });
    const { azp, ...v1 } = agentForUser;
    expect(read({ ...v1, appid: azp, xms_act_fct: '11 3 9' }, entra).actors[0]!.claim).toBe('appid');
  });

  it('names no agent for a user token whose actor is not an agent identity', () => {
    expect(read({ ...agentForUser, xms_act_fct: '3 9' }, entra).actors).toEqual([]);
    const { xms_act_fct: _facets, ...plain } = agentForUser;
    expect(read(plain, entra).actors).toEqual([]);
  });

  it('refuses tokens whose subject is an agent (autonomous agent, agent user) or an application', () => {
    expect(refusal(() => read({ ...agentForUser, xms_sub_fct: '9 3 11' }, entra)).message).toContain(
      'the subject is an agent identity, not a person',
    );
    expect(refusal(() => read({ ...agentForUser, xms_sub_fct: '13' }, entra)).message).toContain(
      "the subject is an agent's user account",
    );
    expect(refusal(() => read({ ...agentForUser, idtyp: 'app' }, entra)).claim).toBe('idtyp');
  });

  it('refuses malformed facets, a mixed shape and disagreeing azp and appid', () => {
    expect(refusal(() => read({ ...agentForUser, xms_act_fct: 'agent' }, entra)).message).toBe(
      'xms_act_fct must hold space-separated facet numbers',
    );
    expect(refusal(() => read({ ...agentForUser, xms_act_fct: '11 12' }, entra)).message).toContain(
      'holds 12, which is not an Entra facet value',
    );
    expect(refusal(() => read({ ...agentForUser, xms_act_fct: ['11'] }, entra)).claim).toBe('xms_act_fct');
    expect(refusal(() => read({ ...agentForUser, act: { sub: 'agt_1' } }, entra)).message).toContain(
      'both Entra agent facets and act claims',
    );
    expect(refusal(() => read({ ...agentForUser, appid: 'bbbbbbbb' }, entra)).claim).toBe('azp');
    const { azp: _azp, ...noActor } = agentForUser;
    expect(refusal(() => read(noActor, entra)).message).toBe('appid must be a non-empty string');
  });
});

describe('mapping actors to registered agents', () => {
  const agent = (id: string, name: string): AgentState => ({
    id,
    clientId: `client-${id}`,
    name,
    status: 'ACTIVE',
    parentId: null,
    allowedIntents: [],
    maxDelegationDepth: 0,
    ceiling: {} as AgentState['ceiling'],
  });
  const assistant = agent('a1', 'SQL assistant');
  const snapshot = {
    agentsByExternalIdentity: new Map([[externalIdentityKey(okta, 'wlp9jebmx18qWtCeu0g7'), assistant]]),
  } as unknown as IdentitySnapshot;

  it('maps each actor by (issuer, subject), and refuses an unregistered one naming its claim', () => {
    expect(
      mapActorChain(snapshot, [{ issuer: okta, subject: 'wlp9jebmx18qWtCeu0g7', claim: 'act.sub' }]),
    ).toEqual(['a1']);
    expect(
      refusal(() =>
        mapActorChain(snapshot, [
          { issuer: okta, subject: '0oa8f5j3ecb5xqHiU0h7', claim: 'delegated_through[0].sub' },
        ]),
      ).message,
    ).toBe(
      'delegated_through[0].sub names 0oa8f5j3ecb5xqHiU0h7 (issuer https://acme.okta.com), which is not a registered agent: register it with externalIdentities',
    );
    // The same subject at another issuer is another identity.
    expect(
      refusal(() =>
        mapActorChain(snapshot, [{ issuer: auth0, subject: 'wlp9jebmx18qWtCeu0g7', claim: 'act.sub' }]),
      ).message,
    ).toContain('which is not a registered agent');
  });

  it('refuses a token whose subject is itself a registered agent', () => {
    expect(refusal(() => refuseAgentSubject(snapshot, okta, 'wlp9jebmx18qWtCeu0g7')).message).toContain(
      'sub names agent SQL assistant, not a person',
    );
    expect(() => refuseAgentSubject(snapshot, okta, '00u-ann')).not.toThrow();
  });
});
