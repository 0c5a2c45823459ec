import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileRoutedRequest, requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * The console's people doors from the attacker's side: another person's delegation, grant or
 * request answers exactly like one that does not exist, through every query and mutation; an agent
 * acting for a person never lists or takes back what acts for them; a non-approver's inbox is empty.
 */

const t = useRequestWorld();

type Answer = Awaited<ReturnType<typeof t.world.gql>>;

/** An answer with `id` replaced, so a real id's answer can be compared with a made-up one's. */
const withoutId = (answer: Answer, id: string) => JSON.parse(JSON.stringify(answer).replaceAll(id, '<id>'));

const jtiOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

let anaAgent: string;
let grantId: string;
let requestId: string;

beforeAll(async () => {
  anaAgent = await t.world.agentToken('ana@acme.test', { agent: 'Attacked agent' });
  const filed = await t.world.gql<{ requestAccess: { request: { grant: { id: string } } } }>(
    anaAgent,
    requestAccessMutation,
    {
      input: {
        paths: ['analytics.marts.fct_orders'],
        tier: 'READ',
        justification: 'Order trends',
        duration: 'PT1H',
      },
    },
  );
  grantId = filed.data!.requestAccess.request.grant.id;
  requestId = await fileRoutedRequest(t.world, anaAgent);
});

const revokeToken = (token: string, id: string) =>
  t.world.gql(token, 'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', { id });
const revokeGrant = (token: string, id: string) =>
  t.world.gql(token, 'mutation ($id: ID!) { revokeGrant(id: $id, reason: "mine now") { status } }', { id });
const stillWorks = async () =>
  expect((await t.world.gql(anaAgent, '{ viewer { kind } }')).data).toEqual({ viewer: { kind: 'AGENT' } });

describe("another person's delegation", () => {
  it('answers revokeDelegationToken exactly like a token id that does not exist, and stays live', async () => {
    const bob = await t.world.humanToken('bob@acme.test');
    const real = await revokeToken(bob, jtiOf(anaAgent));
    const madeUp = randomUUID();
    expect(real.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(withoutId(real, jtiOf(anaAgent))).toEqual(withoutId(await revokeToken(bob, madeUp), madeUp));
    await stillWorks();
  });

  it('is never listed to anyone else, approvers and governance included', async () => {
    for (const email of ['bob@acme.test', 'approver00@acme.test', 'gina@acme.test', 'omar@shop.example']) {
      const answer = await t.world.gql(await t.world.humanToken(email), '{ myDelegations { tokenId } }');
      expect(answer, email).toEqual({ status: 200, data: { myDelegations: [] } });
    }
  });
});

describe("another person's grant", () => {
  it('answers revokeGrant exactly like a grant id that does not exist, and stays in force', async () => {
    for (const email of ['bob@acme.test', 'approver00@acme.test']) {
      const token = await t.world.humanToken(email);
      const madeUp = randomUUID();
      expect(withoutId(await revokeGrant(token, grantId), grantId)).toEqual(
        withoutId(await revokeGrant(token, madeUp), madeUp),
      );
    }
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } });
    expect(grant.status).toBe('ACTIVE');
  });
});

describe("another person's request", () => {
  const fields = `id human { name } objects { path owners { email } } similarDecisions { approved }
    agents { name } viewerCanDecide viewerCanApprove`;

  it('answers accessRequest like an id that does not exist, to a person who is neither its human nor its approver', async () => {
    const bob = await t.world.humanToken('bob@acme.test');
    const query = `query ($id: ID!) { accessRequest(id: $id) { ${fields} } }`;
    const madeUp = randomUUID();
    expect(withoutId(await t.world.gql(bob, query, { id: requestId }), requestId)).toEqual(
      withoutId(await t.world.gql(bob, query, { id: madeUp }), madeUp),
    );
    expect(await t.world.gql(bob, query, { id: requestId })).toEqual({
      status: 200,
      data: { accessRequest: null },
    });
  });

  it('shows up in no inbox role of a person who is neither its human nor its approver', async () => {
    const bob = await t.world.humanToken('bob@acme.test');
    for (const role of [null, 'REQUESTED_FOR_ME', 'AWAITING_MY_DECISION', 'DECIDED_BY_ME']) {
      const answer = await t.world.gql(
        bob,
        'query ($role: AccessRequestRole) { myAccessRequests(role: $role) { totalCount edges { node { id } } } }',
        { role },
      );
      expect(answer, String(role)).toEqual({
        status: 200,
        data: { myAccessRequests: { totalCount: 0, edges: [] } },
      });
    }
  });

  it('is no decision of its own human, who sees it but may not decide it', async () => {
    const ana = await t.world.humanToken('ana@acme.test');
    const answer = await t.world.gql(
      ana,
      'query ($id: ID!) { accessRequest(id: $id) { viewerCanDecide viewerCanApprove } }',
      { id: requestId },
    );
    expect(answer).toEqual({
      status: 200,
      data: { accessRequest: { viewerCanDecide: false, viewerCanApprove: false } },
    });
    const awaiting = await t.world.gql(
      ana,
      '{ myAccessRequests(role: AWAITING_MY_DECISION) { totalCount } }',
    );
    expect(awaiting).toEqual({ status: 200, data: { myAccessRequests: { totalCount: 0 } } });
  });
});

describe('an agent acting for the person', () => {
  const refused = (answer: Answer) => ({
    code: answer.errors?.[0]?.extensions?.code,
    data: answer.data ?? null,
  });

  it('cannot list the delegations of its human', async () => {
    expect(refused(await t.world.gql(anaAgent, '{ myDelegations { tokenId } }'))).toEqual({
      code: 'FORBIDDEN',
      data: null,
    });
  });

  it('cannot revoke a grant for its human, nor a delegation token, not even its own', async () => {
    expect(refused(await revokeGrant(anaAgent, grantId))).toEqual({ code: 'FORBIDDEN', data: null });
    expect(refused(await revokeToken(anaAgent, jtiOf(anaAgent)))).toEqual({ code: 'FORBIDDEN', data: null });
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } });
    expect(grant.status).toBe('ACTIVE');
    await stillWorks();
  });

  it("cannot list requests by a person's part in them", async () => {
    const answer = await t.world.gql(
      anaAgent,
      '{ myAccessRequests(role: AWAITING_MY_DECISION) { totalCount } }',
    );
    expect(refused(answer)).toEqual({ code: 'FORBIDDEN', data: null });
  });

  it('is not shown the people behind the objects it asked for, and can decide nothing', async () => {
    const answer = await t.world.gql(
      anaAgent,
      'query ($id: ID!) { accessRequest(id: $id) { objects { owners { email } } viewerCanDecide viewerCanApprove } }',
      { id: requestId },
    );
    expect(answer).toEqual({
      status: 200,
      data: {
        accessRequest: { objects: [{ owners: null }], viewerCanDecide: false, viewerCanApprove: false },
      },
    });
  });
});

describe('nobody', () => {
  it('is refused every new door unauthenticated', async () => {
    const { graphqlUrl } = t.world.service;
    for (const query of [
      '{ myDelegations { tokenId } }',
      '{ myAccessRequests(role: DECIDED_BY_ME) { totalCount } }',
      `mutation { revokeDelegationToken(tokenId: "${jtiOf(anaAgent)}") }`,
    ]) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(body.errors?.[0]?.extensions?.code, query).toBe('UNAUTHENTICATED');
    }
    await stillWorks();
  });
});
