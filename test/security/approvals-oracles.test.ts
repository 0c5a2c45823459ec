import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useRequestWorld } from '../support/requests-fixture.ts';
import {
  decideAs,
  decideMutation,
  fileRequest,
  type Pending,
  useApprovalRules,
} from './support/approvals-world.ts';

/**
 * Existence oracles (issue 11, finding 5): for anyone who may not see a request or a grant, a real
 * id answers exactly like a random one and like a malformed one. Those who may see it but not act
 * keep FORBIDDEN.
 */
const t = useRequestWorld({ APERTURE_JOB_POLL_MS: '50' });
useApprovalRules(t);

const customers = 'analytics.marts.customers';

/** The whole response with the id that differs replaced: what the attacker can compare. */
const normalised = (response: unknown, id: string) => JSON.stringify(response).replaceAll(id, '<id>');

/** Asks the same question about a real id and two that do not exist; all three must read the same. */
async function expectNoOracle(realId: string, ask: (id: string) => Promise<unknown>, code = 'NOT_FOUND') {
  const fake = randomUUID();
  const malformed = 'not-an-id';
  const [real, random, broken] = [await ask(realId), await ask(fake), await ask(malformed)];
  expect(normalised(real, realId)).toBe(normalised(random, fake));
  expect(normalised(real, realId)).toBe(normalised(broken, malformed));
  if (code) expect(JSON.stringify(real)).toContain(`"code":"${code}"`);
  return real;
}

let pending: Pending;
let granted: Pending & { grantId: string };

beforeAll(async () => {
  pending = await fileRequest(t, 'ana@acme.test', [customers]);
  const request = await fileRequest(t, 'ana@acme.test', [customers]);
  const approved = await decideAs(t, 'dana@shop.example', 'approve', request.id);
  expect(approved.data?.approveAccessRequest?.status).toBe('APPROVED');
  const grant = await t.db.prisma.grant.findUniqueOrThrow({ where: { requestId: request.id } });
  granted = { ...request, grantId: grant.id };
});

describe('someone who may not see a request cannot learn that it exists', () => {
  it('approving another person’s request answers like a random id and a malformed one', async () => {
    const bob = await t.world.humanToken('bob@acme.test');
    await expectNoOracle(pending.id, (id) =>
      t.world.gql(bob, decideMutation('approve'), { input: { requestId: id } }),
    );
  });

  it('denying another person’s request answers like a random id and a malformed one', async () => {
    const bob = await t.world.humanToken('bob@acme.test');
    await expectNoOracle(pending.id, (id) =>
      t.world.gql(bob, decideMutation('deny'), { input: { requestId: id, reason: 'probing' } }),
    );
  });

  it('an approver of other requests (owner of other data) cannot probe this one either', async () => {
    // Omar owns the orders mart, not customers: the customers request is none of his business.
    const omar = await t.world.humanToken('omar@shop.example');
    await expectNoOracle(pending.id, (id) =>
      t.world.gql(omar, decideMutation('approve'), { input: { requestId: id } }),
    );
  });

  it('cancelling another chain’s request answers like a random id and a malformed one', async () => {
    const otherChain = await t.world.agentToken('ana@acme.test', { agent: 'Prying agent' });
    await expectNoOracle(pending.id, (id) =>
      t.world.gql(otherChain, 'mutation ($id: ID!) { cancelAccessRequest(id: $id) { status } }', { id }),
    );
    expect((await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe(
      'PENDING',
    );
  });

  it('another human’s agent reading accessRequest(id) gets null as for a random or malformed id', async () => {
    const bobsAgent = await t.world.agentToken('bob@acme.test');
    await expectNoOracle(
      pending.id,
      (id) => t.world.gql(bobsAgent, 'query ($id: ID!) { accessRequest(id: $id) { id status } }', { id }),
      '',
    );
  });

  it('refused probes are audited without changing the answer', async () => {
    const before = await t.db.prisma.auditEvent.count({
      where: { type: 'access.decision-refused', subjectId: pending.id },
    });
    await decideAs(t, 'bob@acme.test', 'approve', pending.id);
    expect(
      await t.db.prisma.auditEvent.count({
        where: { type: 'access.decision-refused', subjectId: pending.id },
      }),
    ).toBe(before + 1);
  });
});

describe('someone who may not see a grant cannot learn that it exists', () => {
  it('revoking another person’s grant answers like a random id and a malformed one', async () => {
    const bob = await t.world.humanToken('bob@acme.test');
    await expectNoOracle(granted.grantId, (id) =>
      t.world.gql(bob, 'mutation ($id: ID!) { revokeGrant(id: $id, reason: "probing") { status } }', { id }),
    );
    const refused = await t.db.prisma.auditEvent.count({
      where: { type: 'grant.revoke-refused', subjectId: granted.grantId },
    });
    expect(refused).toBeGreaterThan(0);
  });

  it('extending another chain’s grant answers like a random id and a malformed one', async () => {
    const otherChain = await t.world.agentToken('ana@acme.test', { agent: 'Greedy agent' });
    await expectNoOracle(granted.grantId, (id) =>
      t.world.gql(
        otherChain,
        'mutation ($input: ExtendGrantInput!) { requestGrantExtension(input: $input) { request { id } } }',
        { input: { grantId: id, justification: 'Keep it a little longer', duration: 'PT1H' } },
      ),
    );
  });
});

describe('someone who may see it but not act is told so', () => {
  it('the human the request is for cannot approve it: FORBIDDEN, not NOT_FOUND', async () => {
    const ana = await decideAs(t, 'ana@acme.test', 'approve', pending.id);
    expect(ana.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(ana.errors?.[0]?.message).toMatch(/your own behalf/);
  });

  it('the human a grant is for may revoke it (issue 17: taking back what their agents hold)', async () => {
    const ana = await t.world.gql(
      await t.world.humanToken('ana@acme.test'),
      'mutation ($id: ID!) { revokeGrant(id: $id, reason: "mine") { status } }',
      { id: granted.grantId },
    );
    expect(ana).toEqual({ status: 200, data: { revokeGrant: { status: 'REVOKED' } } });
  });

  it('an agent token trying to revoke or decide is refused the same way for any id', async () => {
    await expectNoOracle(
      granted.grantId,
      (id) =>
        t.world.gql(granted.token, 'mutation ($id: ID!) { revokeGrant(id: $id, reason: "x") { status } }', {
          id,
        }),
      'FORBIDDEN',
    );
    await expectNoOracle(
      pending.id,
      (id) => t.world.gql(pending.token, decideMutation('approve'), { input: { requestId: id } }),
      'FORBIDDEN',
    );
  });
});
