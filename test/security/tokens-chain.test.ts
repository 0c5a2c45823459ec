import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeToken } from '../support/oauth-client.ts';
import { useRequestWorld } from '../support/requests-fixture.ts';

// A global chain limit of 2: a third hop is beyond it whatever each agent allows.
const t = useRequestWorld({ APERTURE_MAX_DELEGATION_DEPTH: '2' });

type Client = { clientId: string; clientSecret: string };

const register = (name: string, extra: Record<string, unknown> = {}) =>
  t.world.governance.registerAgent({
    name,
    ownerEmail: 'ana@acme.test',
    allowedIntents: ['analytics'],
    maxDelegationDepth: 5,
    ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
    ...extra,
  });

const exchange = (client: Client, subjectToken: string, params: Record<string, string> = {}) =>
  exchangeToken(t.world.service.url, client, { subject_token: subjectToken, ...params });

async function tokenOf(client: Client, subjectToken: string, params: Record<string, string> = {}) {
  const result = await exchange(client, subjectToken, params);
  if (!result.body.access_token) throw new Error(JSON.stringify(result.body));
  return result.body.access_token;
}

const viewer = (token: string) =>
  t.world.gql<{ viewer: { intent: string } }>(token, '{ viewer { intent chain { clientId } } }');

let parent: Client;
let child: Client;
let grandchild: Client;
let parentToken: string;
beforeAll(async () => {
  await t.world.governance.createIntent({
    name: 'finance-close',
    description: 'Closing the books',
    allowedTiers: ['DISCOVER', 'READ'],
  });
  parent = await register('Chain parent', { allowedIntents: ['analytics', 'finance-close'] });
  child = await register('Chain child', {
    parentClientId: parent.clientId,
    allowedIntents: ['analytics', 'finance-close'],
  });
  grandchild = await register('Chain grandchild', { parentClientId: child.clientId });
  parentToken = await tokenOf(parent, await t.idp.subjectToken('ana@acme.test'), { intent: 'analytics' });
});

describe('sub-agents only narrow', () => {
  it('a sub-agent cannot switch to another intent, even one both hops are allowed', async () => {
    const widened = await exchange(child, parentToken, { intent: 'finance-close' });
    expect(widened).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: expect.stringMatching(/inherits the intent analytics/),
      },
    });
  });

  it('a chain deeper than the global maximum is refused at exchange', async () => {
    const childToken = await tokenOf(child, parentToken);
    const tooDeep = await exchange(grandchild, childToken);
    expect(tooDeep.body).toMatchObject({
      error: 'unauthorized_client',
      error_description: expect.stringMatching(/deeper than 2/),
    });
  });

  it("an agent cannot exchange another chain's token as if it were its parent", async () => {
    const stranger = await register('Chain stranger');
    const hijack = await exchange(stranger, parentToken);
    expect(hijack.body).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('status changes act on the next call', () => {
  it("a suspended agent's token and its sub-agent's token stop working at once", async () => {
    const agent = await register('Soon suspended');
    const sub = await register('Sub of suspended', { parentClientId: agent.clientId });
    const token = await tokenOf(agent, await t.idp.subjectToken('ana@acme.test'), { intent: 'analytics' });
    const subToken = await tokenOf(sub, token);
    expect((await viewer(subToken)).data?.viewer.intent).toBe('analytics');
    await t.world.governance.agentMutation('suspendAgent', agent.clientId);
    for (const stopped of [token, subToken]) {
      const answer = await viewer(stopped);
      expect(answer).toEqual({
        status: 401,
        errors: [
          {
            message: 'the delegation no longer holds: agent Soon suspended is suspended',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      });
    }
  });

  it('a retired agent can neither use its tokens nor exchange new ones', async () => {
    const agent = await register('Soon retired');
    const token = await tokenOf(agent, await t.idp.subjectToken('ana@acme.test'), { intent: 'analytics' });
    await t.world.governance.agentMutation('retireAgent', agent.clientId);
    expect((await viewer(token)).errors?.[0]?.message).toBe(
      'the delegation no longer holds: agent Soon retired is retired',
    );
    const again = await exchange(agent, await t.idp.subjectToken('ana@acme.test'), { intent: 'analytics' });
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('invalid_client');
  });

  it('a revoked delegation token cannot be replayed, nor can a token derived from it', async () => {
    const token = await tokenOf(parent, await t.idp.subjectToken('ana@acme.test'), { intent: 'analytics' });
    const derived = await tokenOf(child, token);
    const tokenId = (await t.world.gql<{ viewer: { tokenId: string } }>(token, '{ viewer { tokenId } }'))
      .data!.viewer.tokenId;
    await t.world.governance.run('mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', {
      id: tokenId,
    });
    for (const replayed of [token, derived]) {
      expect((await viewer(replayed)).errors?.[0]).toEqual({
        message: 'the delegation token was revoked',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
    expect((await exchange(child, token)).body.error).toBe('invalid_grant');
  });
});

describe('agent mutations are no existence oracle', () => {
  const mutations: [string, string][] = [
    ['suspendAgent', 'mutation ($id: String!) { suspendAgent(clientId: $id) { status } }'],
    ['reactivateAgent', 'mutation ($id: String!) { reactivateAgent(clientId: $id) { status } }'],
    ['retireAgent', 'mutation ($id: String!) { retireAgent(clientId: $id) { status } }'],
    ['rotateAgentSecret', 'mutation ($id: String!) { rotateAgentSecret(clientId: $id) { clientSecret } }'],
    [
      'updateAgent',
      'mutation ($id: String!) { updateAgent(clientId: $id, input: { description: "x" }) { name } }',
    ],
    ['revokeDelegationToken', 'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }'],
    ['agent', 'query ($id: String!) { agent(clientId: $id) { name } }'],
  ];

  it.each(mutations)(
    '%s answers a real id and a random one identically for a non-governance human and for an agent',
    async (_name, document) => {
      const realTokenId = (
        await t.world.gql<{ viewer: { tokenId: string } }>(parentToken, '{ viewer { tokenId } }')
      ).data!.viewer.tokenId;
      const real = document.includes('tokenId') ? realTokenId : parent.clientId;
      const bob = await t.world.humanToken('bob@acme.test');
      for (const caller of [bob, parentToken]) {
        const withReal = await t.world.gql(caller, document, { id: real });
        const random = randomUUID();
        const withRandom = await t.world.gql(caller, document, { id: random });
        expect(JSON.stringify(withReal).replaceAll(real, '<id>')).toBe(
          JSON.stringify(withRandom).replaceAll(random, '<id>'),
        );
        // A person may revoke the tokens acting for them (issue 17): another person's is none of theirs.
        const personal = caller === bob && document.includes('revokeDelegationToken');
        expect(withReal.errors?.[0]?.extensions?.code).toBe(personal ? 'NOT_FOUND' : 'FORBIDDEN');
      }
      expect((await viewer(parentToken)).data?.viewer.intent).toBe('analytics');
    },
  );
});
