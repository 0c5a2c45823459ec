import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxListedDelegations } from '../../src/identity/delegations/person-delegations.ts';
import { requestsPerDelegation } from '../../src/requests/delegation-holdings.ts';
import { fileRoutedRequest, useRequestWorld } from '../support/requests-fixture.ts';

/**
 * myDelegations from the attacker's side: a person (or whoever makes an agent exchange tokens for
 * them over and over) cannot make the list, or what it reads, grow without bound. It lists the
 * newest live delegations up to a cap, each with its newest requests up to a cap.
 */

const t = useRequestWorld();

const jtiOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

let busyJti: string;

beforeAll(async () => {
  const agent = await t.world.agentToken('ana@acme.test', { agent: 'Busy agent' });
  busyJti = jtiOf(agent);
  const busy = await t.db.prisma.delegationToken.findUniqueOrThrow({ where: { jti: busyJti } });
  // Requests through the busy delegation: one filed for real, more copied from it, all newer.
  const filedId = await fileRoutedRequest(t.world, agent);
  const filed = await t.db.prisma.accessRequest.findUniqueOrThrow({ where: { id: filedId } });
  const { id: _id, pendingKey: _key, snapshot, routing, approvalPlan, ...rest } = filed;
  await t.db.prisma.accessRequest.createMany({
    data: Array.from({ length: requestsPerDelegation + 5 }, (_, index) => ({
      ...rest,
      id: randomUUID(),
      status: 'CANCELLED' as const,
      snapshot: snapshot as object,
      ...(routing === null ? {} : { routing: routing as object }),
      ...(approvalPlan === null ? {} : { approvalPlan: approvalPlan as object }),
      createdAt: new Date(filed.createdAt.getTime() + (index + 1) * 1000),
    })),
  });
  // More live delegations than are listed, all issued after the busy one but the newest last.
  const { jti: _jti, ...token } = busy;
  const extra = Array.from({ length: maxListedDelegations + 10 }, (_, index) => ({
    ...token,
    jti: randomUUID(),
    issuedAt: new Date(busy.issuedAt.getTime() - (index + 1) * 1000),
  }));
  await t.db.prisma.delegationToken.createMany({ data: extra });
});

describe('myDelegations', () => {
  it(`lists at most ${maxListedDelegations} delegations, the newest`, async () => {
    const answer = await t.world.gql<{ myDelegations: { tokenId: string; requests: { id: string }[] }[] }>(
      await t.world.humanToken('ana@acme.test'),
      '{ myDelegations { tokenId requests { id } } }',
    );
    expect(answer.errors).toBeUndefined();
    const listed = answer.data!.myDelegations;
    expect(listed).toHaveLength(maxListedDelegations);
    expect(listed[0]!.tokenId).toBe(busyJti);
    const live = await t.db.prisma.delegationToken.count({
      where: {
        human: { email: 'ana@acme.test' },
        parentJti: null,
        revokedAt: null,
        expiresAt: { gt: new Date() },
      },
    });
    expect(live).toBeGreaterThan(maxListedDelegations);
  });

  it(`shows at most ${requestsPerDelegation} requests of a delegation, the newest`, async () => {
    const answer = await t.world.gql<{ myDelegations: { tokenId: string; requests: { id: string }[] }[] }>(
      await t.world.humanToken('ana@acme.test'),
      '{ myDelegations { tokenId requests { id } } }',
    );
    const busy = answer.data!.myDelegations.find((delegation) => delegation.tokenId === busyJti)!;
    const newest = await t.db.prisma.accessRequest.findMany({
      where: { tokenId: busyJti },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: requestsPerDelegation,
      select: { id: true },
    });
    expect(busy.requests.map((request) => request.id)).toEqual(newest.map((request) => request.id));
    expect(await t.db.prisma.accessRequest.count({ where: { tokenId: busyJti } })).toBeGreaterThan(
      requestsPerDelegation,
    );
  });
});
