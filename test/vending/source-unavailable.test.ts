import { describe, expect, it } from 'vitest';
import { useVendingWorld, vendMutation } from './support/vending-world.ts';

/** The catalog knows the shop, but its admin connection leads nowhere (a closed port). */
const unreachable = {
  APERTURE_SOURCE_CONNECTIONS: JSON.stringify({
    shop: {
      adminUrl: 'postgresql://nobody:n0t-the-secret@127.0.0.1:1/nowhere',
      rolePrefix: 'vt_unreachable',
    },
  }),
};

describe('a source that cannot be reached', () => {
  const vending = useVendingWorld({ env: unreachable });

  it('answers UNAVAILABLE and tells the agent nothing of the server', async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const result = await vending.world.gql(token, vendMutation, { source: 'shop' });
    expect(result.errors?.[0]).toMatchObject({
      message: "the source shop cannot vend a login now; its operators are told why in aperture's log",
      extensions: { code: 'UNAVAILABLE' },
    });
    expect(JSON.stringify(result)).not.toMatch(/127\.0\.0\.1|nobody|n0t-the-secret|nowhere|ECONNREFUSED/);
    expect(await vending.db.prisma.vendedRole.count()).toBe(0);
  });

  it('does not hold up a revocation', async () => {
    const token = await vending.world.agentToken('ana@acme.test', { agent: 'Revoked elsewhere' });
    const started = Date.now();
    const suspended = await vending.world.gql(
      await vending.world.humanToken('gina@acme.test'),
      'mutation ($id: String!) { suspendAgent(clientId: $id) { status } }',
      { id: vending.world.agentClientId('Revoked elsewhere') },
    );
    expect(suspended.data).toEqual({ suspendAgent: { status: 'SUSPENDED' } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(token).toBeTruthy();
  });
});
