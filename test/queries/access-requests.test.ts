import { beforeAll, describe, expect, it } from 'vitest';
import { fileRoutedRequest, requestAccessMutation, useRequestWorld } from '../support/requests-fixture.ts';
import { captureOperation } from './captured-operation.ts';

const t = useRequestWorld();

interface Filed {
  requestAccess: {
    duplicate: boolean;
    request: { id: string; status: string; grant: { id: string } | null };
  };
}

const fileAs = (token: string, path: string) =>
  captureOperation<Filed>(t.world.service.graphqlUrl, token, requestAccessMutation, {
    input: { paths: [path], tier: 'READ', justification: 'Quarterly revenue question', duration: 'PT1H' },
  });

const approve = async (email: string, requestId: string) => {
  const approved = await t.world.gql(
    await t.world.humanToken(email),
    'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
    { input: { requestId } },
  );
  expect(approved.errors).toBeUndefined();
};

let agentToken: string;

beforeAll(async () => {
  agentToken = await t.world.agentToken('ana@acme.test');
});

describe('the statements an auto-approved requestAccess sends', () => {
  it('decides, grants and audits in one transaction, and schedules the grant’s end', async () => {
    // The first request of a chain loads its identity, rules and grants into caches.
    const warmUp = await fileAs(agentToken, 'analytics.staging.stg_orders');
    expect(warmUp.body.data?.requestAccess.request.status).toBe('APPROVED');
    const { body, statements } = await fileAs(agentToken, 'analytics.marts.fct_orders');
    expect(body.errors).toBeUndefined();
    expect(body.data?.requestAccess).toMatchObject({ duplicate: false, request: { status: 'APPROVED' } });
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "Grant" WHERE ("Grant"."humanId" = ? AND "Grant"."intent" = ? AND "Grant"."chain" = ? AND "Grant"."status" = CAST(?::text AS "GrantStatus") AND "Grant"."expiresAt" > ?) OFFSET ?",
        "SELECT … FROM "AccessRequest" WHERE ("AccessRequest"."pendingKey" = ? AND 1=1) LIMIT ? OFFSET ?",
        "SELECT … FROM "Dataset" WHERE "Dataset"."id" IN (?) OFFSET ?",
        "SELECT … FROM "Column" WHERE "Column"."datasetId" IN (?) OFFSET ?",
        "BEGIN",
        "SELECT pg_advisory_xact_lock(hashtext(?)), pg_advisory_xact_lock(hashtext(?))",
        "SELECT … FROM "AccessRequest" WHERE "createdAt" > ? AND ("agentId" = ?::uuid OR "humanId" = ?::uuid)",
        "INSERT INTO "AccessRequest" (…) VALUES (…) RETURNING …",
        "INSERT INTO "Grant" (…) VALUES (…) RETURNING …",
        "INSERT INTO "Job" (…) VALUES (…) ON CONFLICT DO NOTHING",
        "SELECT pg_notify(?, …)",
        "SELECT pg_notify(?, …)",
        "INSERT INTO "AuditEvent" (…) SELECT … FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS input(e, position) ORDER BY position",
        "COMMIT",
        "SELECT … FROM "Grant" WHERE ("Grant"."requestId" = ? AND 1=1) LIMIT ? OFFSET ?",
        "SELECT … FROM "AccessApproval" WHERE "AccessApproval"."requestId" IN (?) GROUP BY "AccessApproval"."requestId" OFFSET ?",
      ]
    `);
    expect(statements).toHaveLength(16);
  });
});

const myAccessRequests = `{
  myAccessRequests(first: 20) {
    edges { node {
      id status approvals requiredApprovals
      approvalSteps { name required satisfied objects { path approvals waiting approvedBy { email } } }
      grant { id status expiresAt paths }
    } }
  }
}`;

interface MyRequests {
  myAccessRequests: {
    edges: {
      node: { status: string; approvals: number; grant: { id: string } | null; approvalSteps: unknown[] };
    }[];
  };
}

describe('the statements myAccessRequests with approvals and grants sends', () => {
  it('one page of requests, their grants and approvals in batches; steps per routed request', async () => {
    const routed = await fileRoutedRequest(t.world, agentToken);
    await approve('approver00@acme.test', routed);
    const twoStep = await fileAs(agentToken, 'analytics.staging.stg_customers');
    expect(twoStep.body.data?.requestAccess.request.status).toBe('PENDING');
    await approve('lee@shop.example', twoStep.body.data!.requestAccess.request.id);
    const ana = await t.world.humanToken('ana@acme.test');
    const list = () => captureOperation<MyRequests>(t.world.service.graphqlUrl, ana, myAccessRequests);
    await list();
    const { body, statements } = await list();
    expect(body.errors).toBeUndefined();
    const requests = body.data!.myAccessRequests.edges.map((edge) => edge.node);
    // Newest first: the two-step request (one approval of two), the routed one (approved, granted)
    // and the two a rule approved.
    expect(requests.map((request) => [request.status, request.approvals, request.grant !== null])).toEqual([
      ['PENDING', 1, false],
      ['APPROVED', 1, true],
      ['APPROVED', 0, true],
      ['APPROVED', 0, true],
    ]);
    // approvalSteps reads its approvals and approvers per routed request (two statements for each
    // of the two here): the N+1 this snapshot shows until they are read in batches.
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "AccessRequest" WHERE ("AccessRequest"."humanId" = ? OR "AccessRequest"."eligibleApproverIds" @> ?) ORDER BY "AccessRequest"."createdAt" DESC, "AccessRequest"."id" ASC LIMIT ? OFFSET ?",
        "SELECT … FROM "AccessApproval" WHERE "AccessApproval"."requestId" = ? OFFSET ?",
        "SELECT … FROM "AccessApproval" WHERE "AccessApproval"."requestId" = ? OFFSET ?",
        "SELECT … FROM "Grant" WHERE "Grant"."requestId" IN (?, …) OFFSET ?",
        "SELECT … FROM "AccessApproval" WHERE "AccessApproval"."requestId" IN (?, …) GROUP BY "AccessApproval"."requestId" OFFSET ?",
        "SELECT … FROM "Person" WHERE "Person"."id" IN (?, …) OFFSET ?",
        "SELECT … FROM "Person" WHERE "Person"."id" IN (?, …) OFFSET ?",
      ]
    `);
    expect(statements).toHaveLength(7);
  });
});
