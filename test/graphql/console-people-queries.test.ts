import { beforeAll, describe, expect, it } from 'vitest';
import { captureOperation } from '../queries/captured-operation.ts';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * The console's lists read each new figure for a whole page at once: one more request or agent on
 * the page sends no more statements.
 */

const t = useRequestWorld();

const inbox = `{ myAccessRequests(role: AWAITING_MY_DECISION, first: 50) { edges { node {
  id human { name } agents { name } objects { path owners { name } }
  similarDecisions { approved denied } viewerCanDecide viewerCanApprove
} } } }`;

const directory = `{ agents(first: 200) { edges { node {
  name statusChangedAt children { name } lastUsedAt liveTokens activeGrants
} } } }`;

const delegations =
  '{ myDelegations { tokenId subDelegations grants { id } requests { id human { name } } } }';

/** A list of one's and of many's statements differ only in their parameter lists. */
const shape = (statements: string[]) => statements.map((statement) => statement.replaceAll('(?, …)', '(?)'));

/** The statements `query` sends for `email`, warmed up once (caches of identity and people fill). */
async function statementsOf(token: string, query: string): Promise<string[]> {
  await captureOperation(t.world.service.graphqlUrl, token, query);
  const { body, statements } = await captureOperation(t.world.service.graphqlUrl, token, query);
  expect(body.errors).toBeUndefined();
  return statements;
}

let approver: string;
let ana: string;

beforeAll(async () => {
  approver = await t.world.humanToken('approver00@acme.test');
  ana = await t.world.humanToken('ana@acme.test');
  await fileRoutedRequest(t.world, await t.world.agentToken('ana@acme.test', { agent: 'Agent 1' }));
});

describe('a page of the inbox', () => {
  it('sends as many statements for three requests as for one', async () => {
    const one = await statementsOf(approver, inbox);
    for (const agent of ['Agent 2', 'Agent 3'])
      await fileRoutedRequest(t.world, await t.world.agentToken('ana@acme.test', { agent }));
    const three = await statementsOf(approver, inbox);
    expect(shape(three)).toEqual(shape(one));
    expect(three).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "AccessRequest" WHERE (("AccessRequest"."humanId" = ? OR "AccessRequest"."eligibleApproverIds" @> ?) AND "AccessRequest"."status" = CAST(?::text AS "AccessRequestStatus") AND "AccessRequest"."expiresAt" > ? AND "AccessRequest"."eligibleApproverIds" @> ? AND "AccessRequest"."humanId" <> ? AND NOT EXISTS(SELECT … FROM "AccessApproval" AS "t0" WHERE ("t0"."approverId" = ? AND ("AccessRequest"."id") = ("t0"."requestId") AND "t0"."requestId" IS NOT NULL)) AND (NOT ("AccessRequest"."consent" = CAST(?::text AS "ConsentState") AND ("AccessRequest"."approvalPlan"#>ARRAY[?]::text[])::jsonb::jsonb = ?))) ORDER BY "AccessRequest"."createdAt" DESC, "AccessRequest"."id" ASC LIMIT ? OFFSET ?",
        "WITH asked AS ( SELECT … FROM "AccessRequest", unnest(paths) AS path WHERE id = ANY(?::uuid[]) ), decided AS ( SELECT … FROM "AccessRequest" WHERE paths && (SELECT … FROM asked) AND status IN ('APPROVED', 'DENIED') AND "decidedBy" LIKE 'person:%' AND "consentAnswer" IS DISTINCT FROM 'NOT_ME' ) SELECT … FROM asked a JOIN (SELECT … FROM decided) d ON d.path = a.path AND d.tier = a.tier AND d.id <> a.id GROUP BY a.id",
        "SELECT … FROM "AccessApproval" WHERE "AccessApproval"."requestId" IN (?, …) OFFSET ?",
      ]
    `);
  });
});

describe('a page of the agents directory', () => {
  it('sends as many statements for more agents, sub-agents and tokens', async () => {
    const gina = await t.world.humanToken('gina@acme.test');
    const before = await statementsOf(gina, directory);
    await t.world.governance.registerAgent({
      name: 'Agent 4',
      ownerEmail: 'ana@acme.test',
      parentClientId: t.world.agentClientId('Agent 1'),
      allowedIntents: ['analytics'],
    });
    await t.world.agentToken('bob@acme.test', { agent: 'Agent 5' });
    const after = await statementsOf(gina, directory);
    expect(shape(after)).toEqual(shape(before));
    expect(after).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "Agent" WHERE 1=1 ORDER BY "Agent"."name" ASC LIMIT ? OFFSET ?",
        "SELECT … FROM "Agent" WHERE "Agent"."parentId" IN (?, …) ORDER BY "Agent"."name" ASC OFFSET ?",
        "SELECT … FROM "DelegationToken" WHERE "agentId" = ANY(?::uuid[]) GROUP BY "agentId"",
        "SELECT … FROM "Grant" g CROSS JOIN LATERAL (SELECT DISTINCT unnest(g.chain) AS "agentId") agent WHERE g.status = 'ACTIVE' AND g."expiresAt" > now() AND g.chain && ?::text[] AND agent."agentId" = ANY(?::text[]) GROUP BY agent."agentId"",
      ]
    `);
  });
});

describe("a person's delegations", () => {
  it('sends as many statements for more delegations', async () => {
    const one = await statementsOf(ana, delegations);
    await t.world.agentToken('ana@acme.test', { agent: 'Agent 6' });
    await t.world.agentToken('ana@acme.test', { agent: 'Agent 7' });
    const more = await statementsOf(ana, delegations);
    expect(shape(more)).toEqual(shape(one));
    expect(more).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "DelegationToken" WHERE ("DelegationToken"."humanId" = ? AND "DelegationToken"."parentJti" IS NULL AND "DelegationToken"."revokedAt" IS NULL AND "DelegationToken"."expiresAt" > ?) ORDER BY "DelegationToken"."issuedAt" DESC, "DelegationToken"."jti" DESC LIMIT ? OFFSET ?",
        "WITH RECURSIVE tree AS ( SELECT … FROM "DelegationToken" WHERE jti = ANY(?::text[]) UNION ALL SELECT … FROM "DelegationToken" child JOIN tree ON child."parentJti" = tree.jti ) SELECT … FROM tree ORDER BY "issuedAt", jti",
        "SELECT … FROM "Grant" WHERE ("Grant"."humanId" IN (?) AND "Grant"."intent" IN (?) AND "Grant"."status" = CAST(?::text AS "GrantStatus") AND "Grant"."expiresAt" > ?) ORDER BY "Grant"."createdAt" DESC, "Grant"."id" DESC OFFSET ?",
        "WITH roots AS ( SELECT … FROM unnest(?::text[], ?::text[], ?::uuid[]) AS pair(token, root, human) GROUP BY root, human ) SELECT … FROM roots CROSS JOIN LATERAL ( SELECT … FROM "AccessRequest" r WHERE r."humanId" = roots.human AND r."tokenId" = ANY(roots.tokens) ORDER BY r."createdAt" DESC LIMIT ? ) newest ORDER BY roots.root, newest."createdAt" DESC, newest.id DESC",
        "SELECT … FROM "AccessRequest" WHERE "AccessRequest"."id" IN (?, …) OFFSET ?",
      ]
    `);
  });
});
