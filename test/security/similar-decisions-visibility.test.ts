import { beforeAll, describe, expect, it } from 'vitest';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * AccessRequest.similarDecisions from the attacker's side: the figures are an approver's aid and
 * a costly query, so only a person who may decide the request now, or governance, gets them. The
 * agent that filed it, the person it is for and anyone who may no longer decide it get null.
 */

const t = useRequestWorld();

const similarOf = async (token: string, id: string) => {
  const answer = await t.world.gql<{ accessRequest: { similarDecisions: unknown } | null }>(
    token,
    'query ($id: ID!) { accessRequest(id: $id) { similarDecisions { approved denied } } }',
    { id },
  );
  expect(answer.errors).toBeUndefined();
  return answer.data?.accessRequest?.similarDecisions;
};

let decidedId: string;
let pendingId: string;
let pendingAgent: string;
let approver: string;

beforeAll(async () => {
  approver = await t.world.humanToken('approver00@acme.test');
  decidedId = await fileRoutedRequest(
    t.world,
    await t.world.agentToken('ana@acme.test', { agent: 'First inbox agent' }),
  );
  const approved = await t.world.gql(
    approver,
    'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
    { input: { requestId: decidedId } },
  );
  expect(approved.data).toEqual({ approveAccessRequest: { status: 'APPROVED' } });
  pendingAgent = await t.world.agentToken('ana@acme.test', { agent: 'Second inbox agent' });
  pendingId = await fileRoutedRequest(t.world, pendingAgent, {
    justification: 'Churn analysis, the second look',
  });
});

describe('similarDecisions', () => {
  it('answers a person who may decide the request now', async () => {
    expect(await similarOf(approver, pendingId)).toEqual({ approved: 1, denied: 0 });
  });

  it('answers governance', async () => {
    expect(await similarOf(await t.world.humanToken('gina@acme.test'), pendingId)).toEqual({
      approved: 1,
      denied: 0,
    });
  });

  it('is null to the agent that filed it, in the request and in its lists', async () => {
    expect(await similarOf(pendingAgent, pendingId)).toBeNull();
    const listed = await t.world.gql(
      pendingAgent,
      '{ myAccessRequests(first: 50) { edges { node { id similarDecisions { approved } } } } }',
    );
    const nodes = (listed.data as { myAccessRequests: { edges: { node: { similarDecisions: unknown } }[] } })
      .myAccessRequests.edges;
    expect(nodes.length).toBeGreaterThan(0);
    for (const { node } of nodes) expect(node.similarDecisions).toBeNull();
  });

  it('is null to the person it is for, who never decides it', async () => {
    expect(await similarOf(await t.world.humanToken('ana@acme.test'), pendingId)).toBeNull();
  });

  it('is null to an approver once the request is decided', async () => {
    expect(await similarOf(approver, decidedId)).toBeNull();
  });
});
