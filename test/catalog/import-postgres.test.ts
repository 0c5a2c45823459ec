import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPostgresCatalog } from '../../src/catalog/import/import-postgres-catalog.ts';
import {
  createEmptyPostgresDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../support/test-database.ts';

let db: TestDatabase;
let shop: { url: string; name: string; drop(): Promise<void> };

const shopSchema = `
  CREATE SCHEMA sales;
  CREATE SCHEMA hr;
  CREATE TABLE sales.customers (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    region varchar(8)
  );
  COMMENT ON TABLE sales.customers IS 'People and companies that bought from us.';
  COMMENT ON COLUMN sales.customers.email IS 'Primary contact email.';
  CREATE TABLE sales.orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES sales.customers(id),
    amount numeric(12, 2),
    placed_at timestamptz
  );
  CREATE TABLE sales.order_lines (
    order_id bigint, line_no int, sku text,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_lines_order_fk FOREIGN KEY (order_id) REFERENCES sales.orders(id)
  );
  CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE amount > 1000;
  CREATE MATERIALIZED VIEW sales.revenue_by_region AS
    SELECT c.region, sum(o.amount) AS revenue FROM sales.orders o JOIN sales.customers c ON c.id = o.customer_id GROUP BY 1;
  CREATE TABLE hr.salaries (employee_id bigint PRIMARY KEY, salary numeric);
  CREATE TABLE hr.sales_bonuses (customer_id bigint REFERENCES sales.customers(id), bonus numeric);
  CREATE TABLE sales.events (id bigint, customer_id bigint REFERENCES sales.customers(id), at date NOT NULL)
    PARTITION BY RANGE (at);
  CREATE TABLE sales.events_2024 PARTITION OF sales.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
`;

beforeAll(async () => {
  db = await createTestDatabase();
  shop = await createEmptyPostgresDatabase('aperture_shop');
  const client = new pg.Client({ connectionString: shop.url });
  await client.connect();
  await client.query(shopSchema);
  await client.end();
});
afterAll(async () => {
  await db.dispose();
  await shop.drop();
});

async function execShop(sql: string) {
  const client = new pg.Client({ connectionString: shop.url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe('PostgreSQL introspection', () => {
  it('imports tables, views, columns, types, comments and keys', async () => {
    const summary = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop' });
    expect(summary.origin).toBe('postgres:shop');
    // Partitions are not datasets of their own; the partitioned table is.
    expect(summary.datasets.added).toBe(8);
    expect(summary.joinPaths.added).toBe(4);
    expect(await db.prisma.dataset.findUnique({ where: { path: 'shop.sales.events_2024' } })).toBeNull();

    const customers = await db.prisma.dataset.findUniqueOrThrow({
      where: { path: 'shop.sales.customers' },
      include: { columns: { orderBy: { position: 'asc' } } },
    });
    expect(customers).toMatchObject({
      kind: 'TABLE',
      description: 'People and companies that bought from us.',
    });
    expect(customers.columns.map((c) => [c.name, c.dataType, c.isPrimaryKey, c.description])).toEqual([
      ['id', 'bigint', true, null],
      ['email', 'text', false, 'Primary contact email.'],
      ['region', 'character varying(8)', false, null],
    ]);
    const views = await db.prisma.dataset.findMany({ where: { kind: 'VIEW' }, orderBy: { path: 'asc' } });
    expect(views.map((v) => v.path)).toEqual(['shop.sales.big_orders', 'shop.sales.revenue_by_region']);

    const joins = await db.prisma.joinPath.findMany({
      include: { fromDataset: true, toDataset: true },
      orderBy: { key: 'asc' },
    });
    expect(
      joins.map((j) => [j.name, j.fromDataset.path, j.fromColumns, j.toDataset.path, j.toColumns]),
    ).toEqual([
      [
        'sales_bonuses_customer_id_fkey',
        'shop.hr.sales_bonuses',
        ['customer_id'],
        'shop.sales.customers',
        ['id'],
      ],
      ['events_customer_id_fkey', 'shop.sales.events', ['customer_id'], 'shop.sales.customers', ['id']],
      ['order_lines_order_fk', 'shop.sales.order_lines', ['order_id'], 'shop.sales.orders', ['id']],

      ['orders_customer_id_fkey', 'shop.sales.orders', ['customer_id'], 'shop.sales.customers', ['id']],
    ]);
  });

  it('re-import is idempotent and follows changes in the live database', async () => {
    const before = await db.prisma.dataset.findUniqueOrThrow({ where: { path: 'shop.sales.orders' } });
    const again = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop' });
    expect(again.datasets).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 8 });
    expect(again.columns.added + again.columns.changed + again.columns.removed).toBe(0);

    await execShop(`ALTER TABLE sales.orders ADD COLUMN status text; DROP VIEW sales.big_orders;
                    COMMENT ON TABLE sales.orders IS 'One row per order.'`);
    const changed = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop' });
    expect(changed.datasets).toEqual({ added: 0, changed: 1, removed: 1, unchanged: 6 });
    expect(changed.columns.added).toBe(1);
    const after = await db.prisma.dataset.findUniqueOrThrow({ where: { path: 'shop.sales.orders' } });
    expect(after.id).toBe(before.id);
    expect(after.description).toBe('One row per order.');
  });

  it('--schema imports one schema and leaves the others of the source alone, join paths across schemas too', async () => {
    const hrOnly = await importPostgresCatalog(db.prisma, shop.url, { sourceName: 'shop', schemas: ['hr'] });
    expect(hrOnly.datasets).toEqual({ added: 0, changed: 0, removed: 0, unchanged: 2 });
    expect(hrOnly.joinPaths.removed).toBe(0);
    expect(await db.prisma.dataset.count({ where: { origin: 'postgres:shop' } })).toBe(7);
    expect(await db.prisma.joinPath.count({ where: { name: 'sales_bonuses_customer_id_fkey' } })).toBe(1);
  });

  it('an unreachable database is a clear error that names the redacted URL', async () => {
    await expect(
      importPostgresCatalog(db.prisma, 'postgresql://someone:hunter2@127.0.0.1:1/nowhere', {
        sourceName: 'x',
      }),
    ).rejects.toThrow(/Cannot connect to postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  });
});
