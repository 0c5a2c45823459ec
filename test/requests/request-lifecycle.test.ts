import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPeople } from '../../src/people/import/apply-people.ts';
import { parsePeopleFile } from '../../src/people/import/parse-people-file.ts';
import { expireRequest } from '../../src/requests/decide-request.ts';
import { requestAccessMutation, requestPeople, useRequestWorld } from '../support/requests-fixture.ts';

const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });

interface FiledRequest {
  requestAccess: { request: { id: string; status: string; grant: { id: string } | null } };
}

const file = async (token: string, paths: string[], duration = 'PT1H') => {
  const result = await t.world.gql<FiledRequest>(token, requestAccessMutation, {
    input: { paths, tier: 'READ', justification: 'Quarterly revenue question', duration },
  });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.requestAccess.request;
};

const decisionEvents = (requestId: string) =>
  t.db.prisma.auditEvent.count({
    where: {
      subjectId: requestId,
      type: { in: ['access.approved', 'access.denied', 'access.cancelled', 'access.expired'] },
    },
  });

describe('one request, many deciders at once (PostgreSQL)', () => {
  it('100 concurrent approvals, denials, cancellations and expiries give exactly one decision and at most one grant', async () => {
    const approvers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        t.world.humanToken(`approver${String(index).padStart(2, '0')}@acme.test`),
      ),
    );
    for (let round = 0; round < 3; round += 1) {
      // A chain per round: once a round approves, that chain already reads the object.
      const agent = await t.world.agentToken('ana@acme.test', { agent: `Racing agent ${round}` });
      const request = await file(agent, ['analytics.marts.customers']);
      expect(request.status).toBe('PENDING');
      // In the first round its time is up too, so the expiry competes with the cancellations.
      if (round === 0) {
        await t.db.prisma.accessRequest.update({
          where: { id: request.id },
          data: { expiresAt: new Date() },
        });
      }
      const attempts: Promise<unknown>[] = [];
      for (let index = 0; index < 100; index += 1) {
        const kind = index % 4;
        if (kind === 0 || kind === 1) {
          const verb = kind === 0 ? 'approve' : 'deny';
          attempts.push(
            t.world.gql(
              approvers[index % 20]!,
              `mutation ($input: DecideAccessRequestInput!) { ${verb}AccessRequest(input: $input) { status } }`,
              { input: { requestId: request.id, reason: 'no' } },
            ),
          );
        } else if (kind === 2) {
          attempts.push(
            t.world.gql(agent, 'mutation ($id: ID!) { cancelAccessRequest(id: $id) { status } }', {
              id: request.id,
            }),
          );
        } else {
          attempts.push(expireRequest(t.db.prisma, request.id));
        }
      }
      await Promise.all(attempts);
      const final = await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: request.id } });
      expect(['APPROVED', 'DENIED', 'CANCELLED', 'EXPIRED']).toContain(final.status);
      expect(await decisionEvents(request.id)).toBe(1);
      expect(await t.db.prisma.grant.count({ where: { requestId: request.id } })).toBe(
        final.status === 'APPROVED' ? 1 : 0,
      );
    }
  });
});

describe('timers', () => {
  it('survive a restart: a pending request expires and a grant ends after the service comes back', async () => {
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Restart agent' });
    const pending = await file(agent, ['analytics.marts.customers']);
    const granted = await file(agent, ['analytics.staging.stg_orders'], 'PT1S');
    expect(granted.status).toBe('APPROVED');
    await t.stop();
    // While it was down, the pending request's time ran out and the grant's second passed.
    await t.db.prisma.accessRequest.update({ where: { id: pending.id }, data: { expiresAt: new Date() } });
    await t.db.prisma.job.updateMany({
      where: { key: `request.expire:${pending.id}` },
      data: { runAt: new Date() },
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await t.start();
    await expect
      .poll(
        async () => (await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: pending.id } })).status,
      )
      .toBe('EXPIRED');
    await expect
      .poll(
        async () => (await t.db.prisma.grant.findUniqueOrThrow({ where: { id: granted.grant!.id } })).status,
      )
      .toBe('EXPIRED');
    expect(await t.db.prisma.job.count({ where: { key: { contains: pending.id } } })).toBe(0);
  });

  it('escalates a request still pending after the delay: the escalation approvers may then decide', async () => {
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Escalated agent' });
    const request = await file(agent, ['analytics.staging.stg_customers']);
    const gina = await t.world.humanToken('gina@acme.test');
    const approve = () =>
      t.world.gql<{ approveAccessRequest: { approvals: number } }>(
        gina,
        'mutation ($input: DecideAccessRequestInput!) { approveAccessRequest(input: $input) { approvals } }',
        { input: { requestId: request.id } },
      );
    expect((await approve()).errors?.[0]?.message).toMatch(/not an approver/);
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
    expect((await approve()).data?.approveAccessRequest.approvals).toBe(1);
  });
});

describe('grants that no longer hold', () => {
  it('are revoked when the human changes so that the approving rule no longer applies', async () => {
    const agent = await t.world.agentToken('ana@acme.test', { agent: 'Reorganized agent' });
    const granted = await file(agent, ['analytics.marts.fct_orders']);
    expect(granted.status).toBe('APPROVED');
    const dir = await mkdtemp(path.join(tmpdir(), 'aperture-people-'));
    const people = path.join(dir, 'people.json');
    await writeFile(
      people,
      JSON.stringify(
        requestPeople.map((person) =>
          person.email === 'ana@acme.test' ? { ...person, groups: ['sales'] } : person,
        ),
      ),
    );
    await applyPeople(t.db.prisma, people, await parsePeopleFile(people));
    await expect
      .poll(async () => await t.db.prisma.grant.findUniqueOrThrow({ where: { id: granted.grant!.id } }))
      .toMatchObject({ status: 'REVOKED', endedBy: 'system:attributes-changed' });
    // Put Ana back for the other tests.
    const original = path.join(dir, 'original.json');
    await writeFile(original, JSON.stringify(requestPeople));
    await applyPeople(t.db.prisma, original, await parsePeopleFile(original));
  });
});
