import { describe, expect, it } from 'vitest';
import { useVendingWorld } from './support/vending-world.ts';

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
});
