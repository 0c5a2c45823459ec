import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useRequestWorld } from '../support/requests-fixture.ts';

/**
 * revokeDelegationToken from the attacker's side: a person naming another person's token never
 * gets to hold its row (which would stall the owner's revocations and the agent's token exchanges
 * while the transaction lasts); they are answered NOT_FOUND at once, as for a token that does not
 * exist.
 */

const t = useRequestWorld();

const jtiOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti;

const revokeToken = (token: string, id: string) =>
  t.world.gql(token, 'mutation ($id: String!) { revokeDelegationToken(tokenId: $id) }', { id });

/** Holds the row of `jti` locked in another transaction while `work` runs. */
async function whileLocked<T>(jti: string, work: () => Promise<T>): Promise<T> {
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const holder = t.db.prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT jti FROM "DelegationToken" WHERE jti = ${jti} FOR UPDATE`;
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    { timeout: 30_000 },
  );
  await isLocked;
  try {
    return await work();
  } finally {
    release();
    await holder;
  }
}

describe("revoking another person's delegation token", () => {
  it('answers NOT_FOUND without waiting for the row, like a token that does not exist', async () => {
    const anaAgent = await t.world.agentToken('ana@acme.test', { agent: 'Locked agent' });
    const jti = jtiOf(anaAgent);
    const bob = await t.world.humanToken('bob@acme.test');
    const madeUp = randomUUID();
    const [real, missing] = await whileLocked(jti, () =>
      Promise.race([
        Promise.all([revokeToken(bob, jti), revokeToken(bob, madeUp)]),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error("waited for another person's token row")), 5_000),
        ),
      ]),
    );
    expect(real.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.parse(JSON.stringify(real).replaceAll(jti, '<id>'))).toEqual(
      JSON.parse(JSON.stringify(missing).replaceAll(madeUp, '<id>')),
    );
    const row = await t.db.prisma.delegationToken.findUniqueOrThrow({ where: { jti } });
    expect(row.revokedAt).toBeNull();
  });

  it('still lets the person it acts for take it back', async () => {
    const anaAgent = await t.world.agentToken('ana@acme.test', { agent: 'Returned agent' });
    const answer = await revokeToken(await t.world.humanToken('ana@acme.test'), jtiOf(anaAgent));
    expect(answer).toEqual({ status: 200, data: { revokeDelegationToken: [jtiOf(anaAgent)] } });
  });
});
