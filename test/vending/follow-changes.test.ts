import { describe, expect, it, vi } from 'vitest';
import { useVendingWorld, vendingPolicies } from './support/vending-world.ts';

/** Changes reach vended logins within seconds (the change feed, then a recheck of every login). */
const within = { timeout: 5_000, interval: 50 };

describe('vended logins follow changes', () => {
  const vending = useVendingWorld();
  const governance = async () => vending.world.humanToken('gina@acme.test');

  it('a JIT grant widens a live login, and its revocation narrows it again, in open sessions', async () => {
    // A grant gives the rows the dataset's restricting policies allow: here, the human's region.
    await vending.db.prisma.person.update({ where: { email: 'bob@acme.test' }, data: { region: 'amer' } });
    await vending.db.prisma.$executeRaw`SELECT pg_notify('aperture_changes', 'people')`;
    const token = await vending.world.agentToken('bob@acme.test', { agent: 'Bob agent' });
    const login = await vending.vend(token);
    expect(login.datasets.map((dataset) => dataset.dataset)).toEqual(['shop.sales.regions']);
    const session = await vending.connectAs(login);
    const filed = await vending.world.gql<{
      requestAccess: { request: { status: string; grant: { id: string } } };
    }>(
      token,
      `mutation ($input: RequestAccessInput!) { requestAccess(input: $input) { request { status grant { id } } } }`,
      {
        input: {
          paths: ['shop.sales.orders'],
          tier: 'READ',
          justification: 'Order volume for the incident review',
          duration: 'PT30M',
        },
      },
    );
    expect(filed.data?.requestAccess.request.status).toBe('APPROVED');
    const orders = await vi.waitFor(async () => {
      const explained = await vending.world.gql<{ explainAccess: { vendedRoles: string[] } }>(
        token,
        '{ explainAccess(path: "shop.sales.orders") { vendedRoles } }',
      );
      expect(explained.data?.explainAccess.vendedRoles).toEqual([login.username]);
      const { rows } = await session.query<{ relation: string }>(
        `SELECT format('%I.%I', n.nspname, c.relname) AS relation FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'v' AND has_table_privilege(c.oid, 'SELECT') AND obj_description(c.oid) LIKE '%shop.sales.orders%'`,
      );
      expect(rows).toHaveLength(1);
      return rows[0]!.relation;
    }, within);
    const counted = await session.query<{ region: string; count: string }>(
      `SELECT region, count(*) FROM ${orders} GROUP BY region`,
    );
    expect(counted.rows).toEqual([{ region: 'amer', count: '1000' }]);
    const record = await vending.db.prisma.vendedRole.findFirstOrThrow({
      where: { roleName: login.username },
    });
    const grantId = filed.data!.requestAccess.request.grant.id;
    expect(record.grantIds).toEqual([grantId]);
    // The login now lives no longer than the grant it relies on.
    const grant = await vending.db.prisma.grant.findUniqueOrThrow({ where: { id: grantId } });
    expect(record.expiresAt.getTime()).toBeLessThanOrEqual(grant.expiresAt.getTime());

    const revoked = await vending.world.gql(
      await governance(),
      'mutation ($id: ID!) { revokeGrant(id: $id, reason: "incident closed") { status } }',
      { id: grantId },
    );
    expect(revoked.errors).toBeUndefined();
    // A narrowing ends the login's open sessions (a transaction could hold a snapshot of the old
    // filter); the login stays, and a new session reads what is left.
    await vi.waitFor(() => expect(session.query('SELECT 1')).rejects.toThrow(), within);
    const again = await vending.connectAs(login);
    // Refused, or gone: once no login holds the orders view, the sweep may already have dropped it.
    await expect(again.query(`SELECT count(*) FROM ${orders}`)).rejects.toThrow(
      /permission denied|does not exist/,
    );
    const regions = await again.query(`SELECT count(*) FROM ${login.datasets[0]!.relation}`);
    expect(Number(regions.rows[0].count)).toBe(3);
  });

  it("a change of the human's attributes moves the row filter with them", async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const login = await vending.vend(token);
    const customers = login.datasets.find((dataset) => dataset.dataset === 'shop.sales.customers')!;
    // Each look in a new session: a narrowing ends the open ones.
    const regionsSeen = async () => {
      const session = await vending.connectAs(login);
      const { rows } = await session.query<{ region: string }>(
        `SELECT DISTINCT region FROM ${customers.relation}`,
      );
      await session.end();
      return rows.map((row) => row.region);
    };
    expect(await regionsSeen()).toEqual(['emea']);
    await vending.db.prisma.person.update({ where: { email: 'ana@acme.test' }, data: { region: 'apac' } });
    await vending.db.prisma.$executeRaw`SELECT pg_notify('aperture_changes', 'people')`;
    await vi.waitFor(async () => expect(await regionsSeen()).toEqual(['apac']), within);
    await vending.db.prisma.person.update({ where: { email: 'ana@acme.test' }, data: { region: 'emea' } });
    await vending.db.prisma.$executeRaw`SELECT pg_notify('aperture_changes', 'people')`;
  });

  it('a policy change reshapes live logins: a mask lifted, then the dataset taken away', async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const login = await vending.vend(token);
    const session = await vending.connectAs(login);
    const apply = async (policies: unknown) => {
      const applied = await vending.world.gql(
        await governance(),
        'mutation ($p: JSON!) { applyPolicies(policies: $p) { version } }',
        { p: policies },
      );
      expect(applied.errors).toBeUndefined();
    };
    const [analysts, regions, discover] = vendingPolicies;
    await apply([{ ...analysts, masks: [analysts!.masks![0]] }, regions, discover]);
    await vi.waitFor(async () => {
      const record = await vending.db.prisma.vendedRole.findFirstOrThrow({
        where: { roleName: login.username },
      });
      const access = record.access as {
        datasets: { dataset: string; relation: string; masked: unknown[] }[];
      };
      const customers = access.datasets.find((dataset) => dataset.dataset === 'shop.sales.customers')!;
      expect(customers.masked).toEqual([{ column: 'card_number', method: 'partial' }]);
      const { rows } = await session.query<{ email: string }>(
        `SELECT email FROM ${customers.relation} LIMIT 1`,
      );
      expect(rows[0]!.email).toMatch(/@mail\.example$/);
    }, within);
    await apply([regions, discover]);
    await vi.waitFor(async () => {
      const record = await vending.db.prisma.vendedRole.findFirstOrThrow({
        where: { roleName: login.username },
      });
      expect((record.access as { datasets: unknown[] }).datasets).toHaveLength(1);
    }, within);
    await apply(vendingPolicies);
  });

  it('suspending the agent ends its logins: sessions terminated, the role dropped', async () => {
    const token = await vending.world.agentToken('ana@acme.test', { agent: 'Short-lived agent' });
    const login = await vending.vend(token);
    const session = await vending.connectAs(login);
    await session.query('SELECT 1');
    const suspended = await vending.world.gql(
      await governance(),
      'mutation ($id: String!) { suspendAgent(clientId: $id, reason: "misbehaving") { status } }',
      { id: vending.world.agentClientId('Short-lived agent') },
    );
    expect(suspended.errors).toBeUndefined();
    await vi.waitFor(async () => {
      await expect(session.query('SELECT 1')).rejects.toThrow();
    }, within);
    await vi.waitFor(async () => {
      const role = await vending.source.asSuperuser('SELECT 1 FROM pg_roles WHERE rolname = $1', [
        login.username,
      ]);
      expect(role.rowCount).toBe(0);
    }, within);
    const record = await vending.db.prisma.vendedRole.findFirstOrThrow({
      where: { roleName: login.username },
    });
    expect(record).toMatchObject({ status: 'ENDED', endReason: 'agent Short-lived agent is suspended' });
    const ended = await vending.db.prisma.auditEvent.findFirstOrThrow({
      where: { type: 'database.role.ended', subjectId: login.username },
    });
    expect(ended.payload).toMatchObject({ outcome: 'dropped', sessionsTerminated: 1 });
  });
});
