import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import { requestPeople, useRequestWorld } from '../support/requests-fixture.ts';
import {
  decideAs,
  decideMutation,
  fileRequest,
  statusOf,
  tierOf,
  useApprovalRules,
} from './support/approvals-world.ts';

/**
 * Attacks on who may approve what: per-object eligibility (issue 11, finding 2) and approval
 * steps (finding 3), on PostgreSQL.
 */
const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });
useApprovalRules(t);

const customers = 'analytics.marts.customers';
const orders = 'analytics.marts.fct_orders';
const stagingCustomers = 'analytics.staging.stg_customers';
const stagingOrders = 'analytics.staging.stg_orders';

const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) =>
  result.errors?.[0]?.extensions?.code;

describe('an approver is eligible only for the objects they may approve', () => {
  it('an owner of one object cannot approve a request for two objects owned by different people', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    expect(request.status).toBe('PENDING');
    const dana = await decideAs(t, 'dana@shop.example', 'approve', request.id);
    expect(dana.errors).toBeUndefined();
    expect(dana.data?.approveAccessRequest).toMatchObject({ status: 'PENDING', approvals: 1 });
    expect(await t.db.prisma.grant.count({ where: { requestId: request.id } })).toBe(0);
    // The object Dana does not own stays out of reach, and so does hers.
    expect(await tierOf(t, request.token, orders)).toBe('DISCOVER');
    expect(await tierOf(t, request.token, customers)).toBe('DISCOVER');
  });

  it('both owners approving approves the request, and both objects become readable', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    expect((await decideAs(t, 'omar@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING' },
    });
    expect((await decideAs(t, 'dana@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', approvals: 2 },
    });
    expect(await tierOf(t, request.token, orders)).toBe('READ');
    expect(await tierOf(t, request.token, customers)).toBe('READ');
  });

  it('an owner whose objects are all approved cannot approve again or add anything', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    await decideAs(t, 'dana@shop.example', 'approve', request.id);
    const again = await decideAs(t, 'dana@shop.example', 'approve', request.id);
    expect(codeOf(again)).toBe('CONFLICT');
    expect(await t.db.prisma.accessApproval.count({ where: { requestId: request.id } })).toBe(1);
  });

  it('a steward cannot approve a request the rule routes to the owners only', async () => {
    // Lee stewards the customers mart, but the marts go to their owners: he may not even see it.
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    const lee = await decideAs(t, 'lee@shop.example', 'approve', request.id);
    expect(codeOf(lee)).toBe('NOT_FOUND');
    expect(await statusOf(t, request.id)).toBe('PENDING');
  });

  it('the API shows which objects still wait for whom', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    await decideAs(t, 'omar@shop.example', 'approve', request.id);
    const query = `query ($id: ID!) { accessRequest(id: $id) { approvalSteps { name required open satisfied
      objects { path approvals waiting approvers { name email } approvedBy { name email } } } } }`;
    const asDana = await t.world.gql<{ accessRequest: { approvalSteps: unknown[] } }>(
      await t.world.humanToken('dana@shop.example'),
      query,
      { id: request.id },
    );
    expect(asDana.data?.accessRequest.approvalSteps).toEqual([
      {
        name: null,
        required: 1,
        open: true,
        satisfied: false,
        objects: [
          {
            path: customers,
            approvals: 0,
            waiting: true,
            approvers: [{ name: 'Dana', email: 'dana@shop.example' }],
            approvedBy: [],
          },
          {
            path: orders,
            approvals: 1,
            waiting: false,
            approvers: [{ name: 'Omar', email: 'omar@shop.example' }],
            approvedBy: [{ name: 'Omar', email: 'omar@shop.example' }],
          },
        ],
      },
    ]);
    // The requesting agent learns what waits, not who its approvers are.
    const asAgent = await t.world.gql<{ accessRequest: { approvalSteps: unknown[] } }>(request.token, query, {
      id: request.id,
    });
    expect(asAgent.data?.accessRequest.approvalSteps).toEqual([
      {
        name: null,
        required: 1,
        open: true,
        satisfied: false,
        objects: [
          { path: customers, approvals: 0, waiting: true, approvers: null, approvedBy: null },
          { path: orders, approvals: 1, waiting: false, approvers: null, approvedBy: null },
        ],
      },
    ]);
  });

  it('an owner cannot approve a request made for herself; her object goes to governance instead', async () => {
    const request = await fileRequest(t, 'dana@shop.example', [customers, orders]);
    const self = await decideAs(t, 'dana@shop.example', 'approve', request.id);
    expect(codeOf(self)).toBe('FORBIDDEN');
    expect(self.errors?.[0]?.message).toMatch(/your own behalf/);
    expect((await decideAs(t, 'omar@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING' },
    });
    expect((await decideAs(t, 'gina@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED' },
    });
  });

  it('governance, who may see every request, is no approver of one routed to owners', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers]);
    const gina = await decideAs(t, 'gina@acme.test', 'approve', request.id);
    expect(codeOf(gina)).toBe('FORBIDDEN');
    expect(gina.errors?.[0]?.message).toMatch(/not an approver/);
  });

  it('an agent token cannot approve, not even the one that filed the request', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers]);
    const ownAgent = await t.world.gql(request.token, decideMutation('approve'), {
      input: { requestId: request.id },
    });
    expect(codeOf(ownAgent)).toBe('FORBIDDEN');
    const danasAgent = await t.world.gql(
      await t.world.agentToken('dana@shop.example'),
      decideMutation('approve'),
      { input: { requestId: request.id } },
    );
    expect(codeOf(danasAgent)).toBe('FORBIDDEN');
    expect(await statusOf(t, request.id)).toBe('PENDING');
  });

  it('any eligible approver may still deny the whole request', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
    await decideAs(t, 'dana@shop.example', 'approve', request.id);
    expect((await decideAs(t, 'omar@shop.example', 'deny', request.id)).data).toMatchObject({
      denyAccessRequest: { status: 'DENIED' },
    });
    expect(await t.db.prisma.grant.count({ where: { requestId: request.id } })).toBe(0);
  });
});

describe('approval steps are what the rule says', () => {
  it('an owner plus a steward do not satisfy "the owner or a steward AND the manager"', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [stagingCustomers]);
    expect((await decideAs(t, 'dana@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING' },
    });
    const lee = await decideAs(t, 'lee@shop.example', 'approve', request.id);
    expect(codeOf(lee)).toBe('FORBIDDEN');
    expect(lee.errors?.[0]?.message).toMatch(/nothing .* waits for you/);
    expect(await statusOf(t, request.id)).toBe('PENDING');
    expect(await tierOf(t, request.token, stagingCustomers)).toBe('DISCOVER');
  });

  it('the manager and the owner together approve it', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [stagingCustomers]);
    expect((await decideAs(t, 'mark@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING' },
    });
    expect((await decideAs(t, 'lee@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', approvals: 2 },
    });
    expect(await tierOf(t, request.token, stagingCustomers)).toBe('READ');
  });

  it('in ordered steps the manager cannot approve before the owner', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [stagingOrders]);
    const early = await decideAs(t, 'mark@acme.test', 'approve', request.id);
    expect(codeOf(early)).toBe('FORBIDDEN');
    expect(early.errors?.[0]?.message).toMatch(/step "owner" comes first/);
    expect(await t.db.prisma.accessApproval.count({ where: { requestId: request.id } })).toBe(0);
    expect((await decideAs(t, 'dana@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING' },
    });
    expect((await decideAs(t, 'mark@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED' },
    });
  });

  it('a person eligible in two steps counts once (separation of duties)', async () => {
    // Dana owns staging orders and is a member of `owners`: she fills one step, not both.
    const request = await fileRequest(t, 'bob@acme.test', [stagingOrders]);
    expect((await decideAs(t, 'dana@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING', approvals: 1 },
    });
    expect(codeOf(await decideAs(t, 'dana@shop.example', 'approve', request.id))).toBe('CONFLICT');
    expect(await statusOf(t, request.id)).toBe('PENDING');
    expect((await decideAs(t, 'omar@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', approvals: 2 },
    });
  });

  it('a quorum of two in a step needs two distinct people', async () => {
    const request = await fileRequest(t, 'bob@acme.test', [orders]);
    expect((await decideAs(t, 'approver01@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING', approvals: 1 },
    });
    expect(codeOf(await decideAs(t, 'approver01@acme.test', 'approve', request.id))).toBe('CONFLICT');
    expect(await statusOf(t, request.id)).toBe('PENDING');
    expect((await decideAs(t, 'approver02@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', approvals: 2 },
    });
  });

  it('a step nobody can fill (no manager) goes to governance, not to anyone else', async () => {
    const request = await fileRequest(t, 'bob@acme.test', [stagingCustomers]);
    await decideAs(t, 'dana@shop.example', 'approve', request.id);
    expect(codeOf(await decideAs(t, 'lee@shop.example', 'approve', request.id))).toBe('NOT_FOUND');
    expect((await decideAs(t, 'gina@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED' },
    });
  });

  it('a quorum of two owners for an object with one owner takes governance as the second, nobody else', async () => {
    const request = await fileRequest(t, 'priya@shop.example', [customers]);
    expect((await decideAs(t, 'dana@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING', approvals: 1 },
    });
    expect(codeOf(await decideAs(t, 'omar@shop.example', 'approve', request.id))).toBe('NOT_FOUND');
    expect((await decideAs(t, 'gina@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', approvals: 2 },
    });
  });

  it('governance may approve only once the request escalates, and then in one step only', async () => {
    const request = await fileRequest(t, 'bob@acme.test', [customers]);
    const early = await decideAs(t, 'gina@acme.test', 'approve', request.id);
    expect(codeOf(early)).toBe('FORBIDDEN');
    await t.db.prisma.job.updateMany({
      where: { key: `request.escalate:${request.id}` },
      data: { runAt: new Date() },
    });
    await expect
      .poll(
        async () =>
          (await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } })).escalated,
      )
      .toBe(true);
    expect((await decideAs(t, 'gina@acme.test', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'PENDING', approvals: 1 },
    });
    expect(codeOf(await decideAs(t, 'gina@acme.test', 'approve', request.id))).toBe('CONFLICT');
    expect((await decideAs(t, 'omar@shop.example', 'approve', request.id)).data).toMatchObject({
      approveAccessRequest: { status: 'APPROVED', approvals: 2 },
    });
  });

  it('a rule cannot give steps and the requiredApprovals shorthand at once', async () => {
    const refused = await t.world.governance.run(
      'mutation ($rules: JSON!) { applyRules(rules: $rules, dryRun: true) { version } }',
      {
        rules: [
          {
            id: 'both-forms',
            description: 'Ambiguous',
            action: 'route',
            route: {
              approvers: [{ kind: 'owners' }],
              requiredApprovals: 2,
              steps: [{ approvers: [{ kind: 'manager' }] }],
            },
          },
        ],
      },
    );
    expect(codeOf(refused)).toBe('INVALID_INPUT');
    expect(refused.errors?.[0]?.message).toMatch(/either steps or approvers/);
  });
});

describe('concurrent approvals on PostgreSQL', () => {
  it('two eligible owners approving at once approve a two-owner request once, with one grant', async () => {
    for (let round = 0; round < 5; round += 1) {
      const request = await fileRequest(t, 'ana@acme.test', [customers, orders]);
      const [dana, omar] = await Promise.all([
        decideAs(t, 'dana@shop.example', 'approve', request.id),
        decideAs(t, 'omar@shop.example', 'approve', request.id),
      ]);
      expect([dana.errors, omar.errors]).toEqual([undefined, undefined]);
      expect(await statusOf(t, request.id)).toBe('APPROVED');
      expect(await t.db.prisma.grant.count({ where: { requestId: request.id } })).toBe(1);
      expect(
        await t.db.prisma.auditEvent.count({ where: { subjectId: request.id, type: 'access.approved' } }),
      ).toBe(1);
    }
  });

  it('ten approvers racing for a quorum of two give exactly one grant and two counted approvals', async () => {
    const request = await fileRequest(t, 'bob@acme.test', [orders]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        decideAs(t, `approver${String(index + 10)}@acme.test`, 'approve', request.id),
      ),
    );
    expect(await statusOf(t, request.id)).toBe('APPROVED');
    expect(await t.db.prisma.grant.count({ where: { requestId: request.id } })).toBe(1);
    expect(await t.db.prisma.accessApproval.count({ where: { requestId: request.id } })).toBe(2);
    expect(results.filter((result) => codeOf(result) === 'CONFLICT')).toHaveLength(8);
  });
});

describe('approvals that no longer hold', () => {
  const importPeople = async (people: readonly Record<string, unknown>[]) => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'aperture-people-')), 'people.json');
    await writeFile(file, JSON.stringify(people));
    await applyPeople(t.db.prisma, file, await parsePeopleFile(file));
  };

  it('a grant whose manager step was approved by a former manager is revoked', async () => {
    const request = await fileRequest(t, 'ana@acme.test', [stagingCustomers]);
    await decideAs(t, 'lee@shop.example', 'approve', request.id);
    await decideAs(t, 'mark@acme.test', 'approve', request.id);
    const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: request.id } });
    try {
      await importPeople(
        requestPeople.map((person) =>
          person.email === 'ana@acme.test' ? { ...person, manager: 'omar@shop.example' } : person,
        ),
      );
      await expect
        .poll(async () => await t.db.prisma.grant.findUniqueOrThrow({ where: { id: grant.id } }), {
          timeout: 5_000,
        })
        .toMatchObject({ status: 'REVOKED', endReason: expect.stringMatching(/no longer eligible/) });
    } finally {
      await importPeople(requestPeople);
    }
  });
});
