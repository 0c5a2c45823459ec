import { beforeAll, describe, expect, it } from 'vitest';
import { exchangeToken } from '../support/oauth-client.ts';
import { fileRoutedRequest, requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * The console's "My agents" and "Inbox" over real HTTP: a person sees the agents acting for them,
 * what those hold and filed, and takes a delegation or a grant back; an approver's inbox shows what
 * the Slack prompt shows and the history of what they decided; governance's agents directory.
 */

const t = useRequestWorld();

type Client = { clientId: string; clientSecret: string };

/** Replaces ids and instants by stable names, so that whole responses can be compared. */
function stable(value: unknown, names: Map<string, string>): unknown {
  return JSON.parse(JSON.stringify(value), (_key, item) => {
    if (typeof item !== 'string') return item;
    if (names.has(item)) return names.get(item);
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(item)) return '<instant>';
    return item;
  });
}

const delegationFields = `tokenId intent taskId issuedAt expiresAt subDelegations
  chain { clientId name }
  subAgents { clientId name }
  grants { id status paths tier intent agents { name } }
  requests { id status paths }`;

const inboxFields = `id status paths justification requestedDurationSeconds intent taskId ruleId
  human { name email title department }
  agents { clientId name }
  objects { path kind sensitivity tags domain owners { name email steward } }
  approvalSteps { name required open objects { path approvals waiting approvers { name email } } }
  similarDecisions { approved denied }
  viewerCanDecide viewerCanApprove`;

let parent: Client;
let child: Client;
let parentToken: string;
let childToken: string;
const names = new Map<string, string>();
/** The routed request of "my agents": withdrawn when its delegation is taken back. */
let routedId: string;

beforeAll(async () => {
  const register = (name: string, extra: Record<string, unknown> = {}) =>
    t.world.governance.registerAgent({
      name,
      ownerEmail: 'ana@acme.test',
      allowedIntents: ['analytics'],
      maxDelegationDepth: 2,
      ceiling: { maxTier: 'READ', maxSensitivity: 'CONFIDENTIAL' },
      ...extra,
    });
  parent = await register('Console agent');
  child = await register('Console sub-agent', { parentClientId: parent.clientId, maxDelegationDepth: 0 });
  names.set(parent.clientId, '<Console agent>');
  names.set(child.clientId, '<Console sub-agent>');
  const exchange = async (client: Client, subject: string) => {
    const result = await exchangeToken(t.world.service.url, client, {
      subject_token: subject,
      intent: 'analytics',
    });
    if (!result.body.access_token) throw new Error(JSON.stringify(result.body));
    return result.body.access_token;
  };
  parentToken = await exchange(parent, await t.idp.subjectToken('ana@acme.test'));
  childToken = await exchange(child, parentToken);
});

const jtiOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

describe('my agents', () => {
  let grantId: string;
  let autoId: string;

  beforeAll(async () => {
    const auto = await t.world.gql<{ requestAccess: { request: { id: string; grant: { id: string } } } }>(
      childToken,
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
    autoId = auto.data!.requestAccess.request.id;
    grantId = auto.data!.requestAccess.request.grant.id;
    routedId = await fileRoutedRequest(t.world, parentToken);
    names.set(jtiOf(parentToken), '<parent token>');
    names.set(autoId, '<auto-approved request>');
    names.set(grantId, '<grant>');
    names.set(routedId, '<routed request>');
  });

  it("lists a person's live delegations with their chain, grants and requests", async () => {
    const answer = await t.world.gql(
      await t.world.humanToken('ana@acme.test'),
      `{ myDelegations { ${delegationFields} } }`,
    );
    expect(stable(answer, names)).toEqual({
      status: 200,
      data: {
        myDelegations: [
          {
            tokenId: '<parent token>',
            intent: 'analytics',
            taskId: null,
            issuedAt: '<instant>',
            expiresAt: '<instant>',
            subDelegations: 1,
            chain: [{ clientId: '<Console agent>', name: 'Console agent' }],
            subAgents: [{ clientId: '<Console sub-agent>', name: 'Console sub-agent' }],
            grants: [
              {
                id: '<grant>',
                status: 'ACTIVE',
                paths: ['analytics.marts.fct_orders'],
                tier: 'READ',
                intent: 'analytics',
                // Asked for by the sub-agent, through its parent.
                agents: [{ name: 'Console agent' }, { name: 'Console sub-agent' }],
              },
            ],
            requests: [
              { id: '<routed request>', status: 'PENDING', paths: ['analytics.marts.customers'] },
              { id: '<auto-approved request>', status: 'APPROVED', paths: ['analytics.marts.fct_orders'] },
            ],
          },
        ],
      },
    });
  });

  it('shows nobody else the delegations of a person', async () => {
    const bob = await t.world.gql(await t.world.humanToken('bob@acme.test'), '{ myDelegations { tokenId } }');
    expect(bob).toEqual({ status: 200, data: { myDelegations: [] } });
  });

  it('lets the person take a delegation back: it and every token derived from it stop at once', async () => {
    const ana = await t.world.humanToken('ana@acme.test');
    const revoked = await t.world.gql<{ revokeDelegationToken: string[] }>(
      ana,
      'mutation ($id: String!) { revokeDelegationToken(tokenId: $id, reason: "done") }',
      { id: jtiOf(parentToken) },
    );
    expect(revoked.errors).toBeUndefined();
    expect([...revoked.data!.revokeDelegationToken].sort()).toEqual(
      [jtiOf(parentToken), jtiOf(childToken)].sort(),
    );
    for (const token of [parentToken, childToken]) {
      const next = await t.world.gql(token, '{ viewer { kind } }');
      expect(next.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await t.world.gql(ana, '{ myDelegations { tokenId } }')).toEqual({
      status: 200,
      data: { myDelegations: [] },
    });
    // What it filed and still waited is withdrawn: a later approval must not hand the agent's next
    // token what the person took back. The grant it holds stays, for the person to revoke (or not).
    expect(
      await t.world.gql(ana, 'query ($id: ID!) { accessRequest(id: $id) { status decider reason } }', {
        id: routedId,
      }),
    ).toEqual({
      status: 200,
      data: {
        accessRequest: {
          status: 'CANCELLED',
          decider: 'Ana',
          reason: 'the delegation it was filed with was revoked',
        },
      },
    });
  });
});

describe('the inbox', () => {
  let requestId: string;
  let approver: string;

  beforeAll(async () => {
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Inbox agent' });
    names.set(t.world.agentClientId('Inbox agent'), '<Inbox agent>');
    requestId = await fileRoutedRequest(t.world, agent, { justification: 'Board pack' });
    names.set(requestId, '<inbox request>');
    approver = await t.world.humanToken('approver00@acme.test');
  });

  /** The ids a person lists in that role, and how many there are. */
  const inbox = async (token: string, role: string) => {
    const answer = await t.world.gql<{
      myAccessRequests: { totalCount: number; edges: { node: { id: string } }[] };
    }>(
      token,
      'query ($role: AccessRequestRole) { myAccessRequests(role: $role) { totalCount edges { node { id } } } }',
      { role },
    );
    expect(answer.errors).toBeUndefined();
    const { totalCount, edges } = answer.data!.myAccessRequests;
    return { totalCount, ids: edges.map((edge) => edge.node.id) };
  };

  it('shows an approver what waits for them, with what the Slack prompt shows', async () => {
    const answer = await t.world.gql(
      approver,
      `query ($id: ID!) { accessRequest(id: $id) { ${inboxFields} } }`,
      { id: requestId },
    );
    expect(stable(answer, names)).toMatchInlineSnapshot(`
      {
        "data": {
          "accessRequest": {
            "agents": [
              {
                "clientId": "<Inbox agent>",
                "name": "Inbox agent",
              },
            ],
            "approvalSteps": [
              {
                "name": null,
                "objects": [
                  {
                    "approvals": 0,
                    "approvers": [
                      {
                        "email": "approver00@acme.test",
                        "name": "Approver 0",
                      },
                      {
                        "email": "approver01@acme.test",
                        "name": "Approver 1",
                      },
                      {
                        "email": "approver10@acme.test",
                        "name": "Approver 10",
                      },
                      {
                        "email": "approver11@acme.test",
                        "name": "Approver 11",
                      },
                      {
                        "email": "approver12@acme.test",
                        "name": "Approver 12",
                      },
                      {
                        "email": "approver13@acme.test",
                        "name": "Approver 13",
                      },
                      {
                        "email": "approver14@acme.test",
                        "name": "Approver 14",
                      },
                      {
                        "email": "approver15@acme.test",
                        "name": "Approver 15",
                      },
                      {
                        "email": "approver16@acme.test",
                        "name": "Approver 16",
                      },
                      {
                        "email": "approver17@acme.test",
                        "name": "Approver 17",
                      },
                      {
                        "email": "approver18@acme.test",
                        "name": "Approver 18",
                      },
                      {
                        "email": "approver19@acme.test",
                        "name": "Approver 19",
                      },
                      {
                        "email": "approver02@acme.test",
                        "name": "Approver 2",
                      },
                      {
                        "email": "approver03@acme.test",
                        "name": "Approver 3",
                      },
                      {
                        "email": "approver04@acme.test",
                        "name": "Approver 4",
                      },
                      {
                        "email": "approver05@acme.test",
                        "name": "Approver 5",
                      },
                      {
                        "email": "approver06@acme.test",
                        "name": "Approver 6",
                      },
                      {
                        "email": "approver07@acme.test",
                        "name": "Approver 7",
                      },
                      {
                        "email": "approver08@acme.test",
                        "name": "Approver 8",
                      },
                      {
                        "email": "approver09@acme.test",
                        "name": "Approver 9",
                      },
                    ],
                    "path": "analytics.marts.customers",
                    "waiting": true,
                  },
                ],
                "open": true,
                "required": 1,
              },
            ],
            "human": {
              "department": "finance",
              "email": "ana@acme.test",
              "name": "Ana",
              "title": "Analyst",
            },
            "id": "<inbox request>",
            "intent": "analytics",
            "justification": "Board pack",
            "objects": [
              {
                "domain": "sales",
                "kind": "DATASET",
                "owners": [
                  {
                    "email": "dana@shop.example",
                    "name": "Dana",
                    "steward": false,
                  },
                  {
                    "email": "lee@shop.example",
                    "name": "Lee",
                    "steward": true,
                  },
                  {
                    "email": "priya@shop.example",
                    "name": "Priya",
                    "steward": true,
                  },
                ],
                "path": "analytics.marts.customers",
                "sensitivity": "CONFIDENTIAL",
                "tags": [
                  "marts",
                  "sales",
                  "pii",
                ],
              },
            ],
            "paths": [
              "analytics.marts.customers",
            ],
            "requestedDurationSeconds": 28800,
            "ruleId": "customers-to-approvers",
            "similarDecisions": {
              "approved": 0,
              "denied": 0,
            },
            "status": "PENDING",
            "taskId": null,
            "viewerCanApprove": true,
            "viewerCanDecide": true,
          },
        },
        "status": 200,
      }
    `);
    // The request of the delegation taken back (see "my agents") waits for no one any more.
    expect(await inbox(approver, 'AWAITING_MY_DECISION')).toEqual({ totalCount: 1, ids: [requestId] });
    // What waits for approvers is nobody else's business.
    expect(await inbox(await t.world.humanToken('bob@acme.test'), 'AWAITING_MY_DECISION')).toEqual({
      totalCount: 0,
      ids: [],
    });
  });

  it('keeps the history of what the approver decided, and the person sees it decided', async () => {
    const approved = await t.world.gql(
      approver,
      'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status viewerCanDecide viewerCanApprove } }',
      { input: { requestId } },
    );
    expect(approved).toEqual({
      status: 200,
      data: { approveAccessRequest: { status: 'APPROVED', viewerCanDecide: false, viewerCanApprove: false } },
    });
    expect(await inbox(approver, 'AWAITING_MY_DECISION')).toEqual({ totalCount: 0, ids: [] });
    expect(await inbox(approver, 'DECIDED_BY_ME')).toEqual({ totalCount: 1, ids: [requestId] });
    // Another approver of the same request decided nothing.
    expect(await inbox(await t.world.humanToken('approver01@acme.test'), 'DECIDED_BY_ME')).toEqual({
      totalCount: 0,
      ids: [],
    });
    const ana = await t.world.humanToken('ana@acme.test');
    const mine = await inbox(ana, 'REQUESTED_FOR_ME');
    expect(mine.ids).toContain(requestId);
    expect(mine.totalCount).toBe(3);
    expect(await inbox(ana, 'DECIDED_BY_ME')).toEqual({ totalCount: 0, ids: [] });
  });

  it('counts earlier human decisions on the same objects for the next request', async () => {
    // Another agent: the first one holds the grant already.
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Second inbox agent' });
    const next = await fileRoutedRequest(t.world, agent, { justification: 'Board pack, again' });
    const answer = await t.world.gql(
      approver,
      'query ($id: ID!) { accessRequest(id: $id) { similarDecisions { approved denied } viewerCanDecide viewerCanApprove } }',
      { id: next },
    );
    expect(answer).toEqual({
      status: 200,
      data: {
        accessRequest: {
          similarDecisions: { approved: 1, denied: 0 },
          viewerCanDecide: true,
          viewerCanApprove: true,
        },
      },
    });
    // The person it is for may see it, never decide it.
    const ana = await t.world.gql(
      await t.world.humanToken('ana@acme.test'),
      'query ($id: ID!) { accessRequest(id: $id) { viewerCanDecide viewerCanApprove objects { owners { email } } } }',
      { id: next },
    );
    expect(ana.data).toEqual({
      accessRequest: {
        viewerCanDecide: false,
        viewerCanApprove: false,
        objects: [{ owners: expect.any(Array) }],
      },
    });
  });

  it('names who decided to the people who may see the request', async () => {
    const decider = async (token: string, id: string) =>
      (
        await t.world.gql<{ accessRequest: { decider: string | null } }>(
          token,
          'query ($id: ID!) { accessRequest(id: $id) { decider } }',
          { id },
        )
      ).data?.accessRequest.decider;
    const ana = await t.world.humanToken('ana@acme.test');
    expect(await decider(ana, requestId)).toBe('Approver 0');
    expect(await decider(approver, requestId)).toBe('Approver 0');
    // Ana withdrew it by taking its delegation back.
    expect(await decider(ana, routedId)).toBe('Ana');
  });

  it('shows the agent its request without the people (owners, approvers) behind it', async () => {
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Inbox agent' });
    const answer = await t.world.gql(
      agent,
      'query ($id: ID!) { accessRequest(id: $id) { agents { name } objects { path owners { email } } viewerCanDecide decider } }',
      { id: requestId },
    );
    expect(answer).toEqual({
      status: 200,
      data: {
        accessRequest: {
          agents: [{ name: 'Inbox agent' }],
          objects: [{ path: 'analytics.marts.customers', owners: null }],
          viewerCanDecide: false,
          // Approvers are not named to agents.
          decider: 'an approver',
        },
      },
    });
  });
});

describe('the agents directory', () => {
  it('shows governance each agent with its sub-agents, last use, live tokens and grants', async () => {
    const answer = await t.world.governance.run(
      `{ agents(first: 200) { edges { node { name status statusChangedAt lastUsedAt liveTokens activeGrants
          parent { name } children { name } } } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const nodes = (answer.data as { agents: { edges: { node: { name: string } }[] } }).agents.edges.map(
      (edge) => edge.node,
    );
    const byName = (name: string) =>
      stable(
        nodes.find((node) => node.name === name),
        names,
      );
    // Its tokens were revoked; the grant its sub-agent holds outlives them (grants follow the chain).
    expect(byName('Console agent')).toEqual({
      name: 'Console agent',
      status: 'ACTIVE',
      statusChangedAt: null,
      lastUsedAt: '<instant>',
      liveTokens: 0,
      activeGrants: 1,
      parent: null,
      children: [{ name: 'Console sub-agent' }],
    });
    expect(byName('Console sub-agent')).toEqual({
      name: 'Console sub-agent',
      status: 'ACTIVE',
      statusChangedAt: null,
      lastUsedAt: '<instant>',
      liveTokens: 0,
      activeGrants: 1,
      parent: { name: 'Console agent' },
      children: [],
    });
    expect(byName('Inbox agent')).toMatchObject({ liveTokens: 2, activeGrants: 1, children: [] });
  });

  it('shows when an agent was suspended', async () => {
    const suspended = await t.world.governance.agentMutation('suspendAgent', child.clientId);
    expect(suspended.errors).toBeUndefined();
    const answer = await t.world.governance.run(
      'query ($id: String!) { agent(clientId: $id) { status statusChangedAt activeGrants } }',
      { id: child.clientId },
    );
    expect(stable(answer, names)).toEqual({
      status: 200,
      data: { agent: { status: 'SUSPENDED', statusChangedAt: '<instant>', activeGrants: 0 } },
    });
  });
});
