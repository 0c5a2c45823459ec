import { beforeAll, describe, expect, it } from 'vitest';
import {
  fileRoutedRequest,
  requestAccessMutation,
  requestFields,
  useRequestWorld,
} from '../support/requests-fixture.ts';
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
        "SELECT … FROM "Column" WHERE "Column"."datasetId" IN (?) ORDER BY "Column"."position" ASC OFFSET ?",
        "BEGIN",
        "SELECT pg_advisory_xact_lock(hashtext(?)), pg_advisory_xact_lock(hashtext(?))",
        "SELECT … FROM "AccessRequest" WHERE "createdAt" > ? AND ("agentId" = ?::uuid OR "humanId" = ?::uuid)",
        "WITH "w_AccessRequest" AS (INSERT INTO "AccessRequest" SELECT … FROM jsonb_populate_recordset(NULL::"AccessRequest", ?::jsonb) ), "w_Grant" AS (INSERT INTO "Grant" SELECT … FROM jsonb_populate_recordset(NULL::"Grant", ?::jsonb) ), "w_Job" AS (INSERT INTO "Job" SELECT … FROM jsonb_populate_recordset(NULL::"Job", ?::jsonb) ON CONFLICT DO NOTHING), "w_audit" AS ( INSERT INTO "AuditEvent" (…) SELECT … FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS input(e, position) ORDER BY position) SELECT … FROM unnest(?::text[]) AS payload",
        "COMMIT",
      ]
    `);
    // Owners and sensitivities come from the catalog in memory: only the requested dataset's
    // columns are read, the first time any request or query needs them.
    expect(statements).toHaveLength(7);
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

// After the list above, which counts Ana's requests.
describe('the statements an approval that grants sends', () => {
  it('locks and re-reads the request, then writes the approval, grant, timers and audit in one statement', async () => {
    const routed = await fileRoutedRequest(
      t.world,
      await t.world.agentToken('ana@acme.test', { agent: 'Approved agent' }),
    );
    const { body, statements } = await captureOperation<{ approveAccessRequest: { status: string } }>(
      t.world.service.graphqlUrl,
      await t.world.humanToken('approver01@acme.test'),
      'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { status } }',
      { input: { requestId: routed } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.approveAccessRequest.status).toBe('APPROVED');
    expect(statements).toMatchInlineSnapshot(`
      [
        "SELECT … FROM "Person" WHERE ("Person"."email" = ? AND 1=1) LIMIT ? OFFSET ?",
        "SELECT … FROM "Person" WHERE "Person"."id" = ? OFFSET ?",
        "BEGIN",
        "SELECT … FROM "AccessRequest" WHERE "id" = ?::uuid FOR UPDATE",
        "SELECT … FROM "AccessRequest" WHERE ("AccessRequest"."id" = ? AND 1=1) LIMIT ? OFFSET ?",
        "SELECT … FROM (SELECT … FROM "Agent" WHERE ("Agent"."id" IN (?) AND "Agent"."status" <> CAST(?::text AS "AgentStatus")) OFFSET ?) AS "sub"",
        "SELECT … FROM "AccessApproval" WHERE "AccessApproval"."requestId" = ? OFFSET ?",
        "UPDATE "AccessRequest" SET "status" = CAST(?::text AS "AccessRequestStatus"), "decidedBy" = ?, "decisionReason" = ?, "decidedAt" = ?, "approvedDurationSeconds" = ?, "pendingKey" = ? WHERE ("AccessRequest"."id" = ? AND "AccessRequest"."status" = CAST(?::text AS "AccessRequestStatus"))",
        "WITH "w_AccessApproval" AS (INSERT INTO "AccessApproval" SELECT … FROM jsonb_populate_recordset(NULL::"AccessApproval", ?::jsonb) ), "w_Grant" AS (INSERT INTO "Grant" SELECT … FROM jsonb_populate_recordset(NULL::"Grant", ?::jsonb) ), "w_Job" AS (INSERT INTO "Job" SELECT … FROM jsonb_populate_recordset(NULL::"Job", ?::jsonb) ON CONFLICT DO NOTHING), "w_audit" AS ( INSERT INTO "AuditEvent" (…) SELECT … FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS input(e, position) ORDER BY position) SELECT … FROM unnest(?::text[]) AS payload",
        "COMMIT",
      ]
    `);
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: routed } });
    const jobs = await t.db.prisma.job.findMany({ where: { key: { contains: grant.id } } });
    expect(jobs.map((job) => job.kind)).toEqual(['grant.expire']);
    const events = await t.db.prisma.auditEvent.findMany({
      where: { OR: [{ subjectId: routed }, { subjectId: grant.id }] },
      orderBy: { id: 'asc' },
    });
    expect(events.map((event) => event.type)).toEqual([
      'access.requested',
      'access.routed',
      'access.approved',
      'grant.created',
    ]);
  });
});

describe('the answer of requestAccess', () => {
  it('answers with the request and grant as stored, though it does not read them back', async () => {
    // Another chain: this one's grant already shows the object.
    const token = await t.world.agentToken('ana@acme.test', { agent: 'Answer agent' });
    const filed = await fileAs(token, 'analytics.marts.fct_orders');
    const answered = filed.body.data!.requestAccess.request;
    expect(answered).toMatchObject({ status: 'APPROVED', approvals: 0, grant: { status: 'ACTIVE' } });
    const stored = await t.world.gql<{ accessRequest: unknown }>(
      token,
      `query ($id: ID!) { accessRequest(id: $id) { ${requestFields} } }`,
      { id: answered.id },
    );
    expect(stored.errors).toBeUndefined();
    expect(stored.data?.accessRequest).toEqual(answered);
  });
});

describe('the grants a query reads after a request of another delegation', () => {
  it('are still cached: a new grant drops only its own delegation’s grants', async () => {
    const datasetQuery = 'query ($path: String!) { dataset(path: $path) { tier } }';
    const bystander = await t.world.agentToken('ana@acme.test', { agent: 'Bystander agent' });
    const requester = await t.world.agentToken('ana@acme.test', { agent: 'Requesting agent' });
    const look = (token: string) =>
      captureOperation<{ dataset: { tier: string } }>(t.world.service.graphqlUrl, token, datasetQuery, {
        path: 'analytics.marts.fct_orders',
      });
    await look(bystander);
    await look(requester);
    const filed = await fileAs(requester, 'analytics.marts.fct_orders');
    expect(filed.body.data?.requestAccess.request.status).toBe('APPROVED');
    const mine = await look(requester);
    expect(mine.body.data?.dataset.tier).toBe('READ');
    expect(mine.statements.filter((statement) => statement.includes('FROM "Grant"'))).toHaveLength(1);
    const theirs = await look(bystander);
    expect(theirs.body.data?.dataset.tier).toBe('DISCOVER');
    expect(theirs.statements.filter((statement) => statement.includes('FROM "Grant"'))).toHaveLength(0);
  });
});
