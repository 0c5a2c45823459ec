import { describe, expect, it, vi } from 'vitest';
import { scheduleJobs } from '../../src/jobs/job-queue.ts';
import { vendingJobKind } from '../../src/vending/vending-module.ts';
import { useVendingWorld, vendMutation } from './support/vending-world.ts';

describe('vendDatabaseCredential', () => {
  const vending = useVendingWorld();

  it('vends a login that reads exactly the slice: columns, masks and rows', async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const login = await vending.vend(token);
    expect(login.username).toMatch(new RegExp(`^${vending.source.rolePrefix}_v_[a-z2-7]{16}$`));
    expect(login.datasets.map((dataset) => dataset.dataset)).toEqual([
      'shop.sales.customers',
      'shop.sales.orders',
      'shop.sales.regions',
    ]);
    const customers = login.datasets[0]!;
    expect(customers.masked).toEqual([
      { column: 'email', method: 'hash' },
      { column: 'card_number', method: 'partial' },
    ]);
    expect(customers.rowFilter).toBe("(region = 'emea')");
    const client = await vending.connectAs(login);
    const rows = await client.query(
      `SELECT id, region, card_number, email FROM ${customers.relation} ORDER BY id`,
    );
    expect(rows.rowCount).toBe(100);
    expect(new Set(rows.rows.map((row) => row.region))).toEqual(new Set(['emea']));
    expect(rows.rows[0].card_number).toMatch(/^\*{12}\d{4}$/);
    expect(rows.rows[0].email).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lives no longer than asked, and a durable timer ends it at its expiry', async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const login = await vending.vend(token, 120);
    expect(login.limitedBy).toBe('requested');
    const record = await vending.db.prisma.vendedRole.findFirstOrThrow({
      where: { roleName: login.username },
    });
    expect(record.expiresAt.toISOString()).toBe(login.expiresAt);
    const timer = await vending.db.prisma.job.findFirstOrThrow({
      where: { kind: vendingJobKind.expire, key: { startsWith: `${vendingJobKind.expire}:${record.id}:` } },
    });
    expect(timer.runAt).toEqual(record.expiresAt);
    const session = await vending.connectAs(login);
    // Time passes: the record says it is over, and its timer fires.
    await vending.db.prisma.vendedRole.update({ where: { id: record.id }, data: { expiresAt: new Date() } });
    await scheduleJobs(vending.db.prisma, [
      { ...timer, key: `${timer.key}:now`, runAt: new Date(), payload: { id: record.id } },
    ]);
    await vi.waitFor(
      async () => {
        const ended = await vending.db.prisma.vendedRole.findUniqueOrThrow({ where: { id: record.id } });
        expect(ended).toMatchObject({ status: 'ENDED', endReason: 'expired' });
      },
      { timeout: 5_000, interval: 50 },
    );
    await expect(session.query('SELECT 1')).rejects.toThrow();
    const role = await vending.source.asSuperuser('SELECT 1 FROM pg_roles WHERE rolname = $1', [
      login.username,
    ]);
    expect(role.rowCount).toBe(0);
  });

  it('is for agents: a person with their own token is refused', async () => {
    const result = await vending.world.gql(await vending.world.humanToken('ana@acme.test'), vendMutation, {
      source: 'shop',
    });
    expect(result.errors?.[0]).toMatchObject({
      message: 'vendDatabaseCredential is for agents acting with a delegation token',
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('refuses a life it cannot give, through either door alike, and changes nothing', async () => {
    const token = await vending.world.agentToken('ana@acme.test');
    const before = await vending.db.prisma.vendedRole.count();
    for (const [ttl, message] of [
      [5, 'ttlSeconds must be at least 10'],
      [100_000, 'ttlSeconds must be at most 86400 (a day)'],
    ] as const) {
      const result = await vending.world.gql(token, vendMutation, { source: 'shop', ttl });
      expect(result.errors?.[0]).toMatchObject({ message, extensions: { code: 'INVALID_INPUT' } });
    }
    expect(await vending.db.prisma.vendedRole.count()).toBe(before);
  });
});
